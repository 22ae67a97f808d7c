/**
 * A cap on the TCP connections one peer address holds open at once (HTTP_MAX_CONNECTIONS_PER_ADDRESS):
 * one client cannot take every socket the process has. Counted per TCP peer, never X-Forwarded-For
 * (a header the client writes); a WebSocket is its upgraded HTTP connection, so it counts too.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";

/** Closes at once each connection beyond `max` from one address; `onRefused` is told of each. */
export function capConnectionsPerAddress(server: Server, max: number, onRefused: () => void): void {
  const open = new Map<string, number>();
  // Destroyed in the same turn it was accepted in: nothing of it is read.
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined) return; // already gone
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      onRefused();
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once("close", () => {
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
