// Every provider seeded into the catalog, in display order.
import creatify from "./creatify.js";
import hoox from "./hoox.js";
import samsar from "./samsar.js";
import subclip from "./subclip.js";
import ugen from "./ugen.js";

export const providerSeeds = [samsar, ugen, creatify, hoox, subclip];
