/**
 * Apollo Sandbox, for those online who prefer it (GET /graphql?sandbox=apollo): Apollo's own
 * embedded landing page, which loads from Apollo's CDN. Apollo itself serves no landing page here
 * (src/graphql/apollo.ts disables it): the offline explorer is the default, and a browser's GET with a `query`
 * is run as a GraphQL GET request.
 */
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";

let render: Promise<() => Promise<string>> | undefined;

/** The page's HTML, with a fresh nonce each time (its own Content-Security-Policy is a meta tag in it). */
export async function apolloSandboxPage(): Promise<string> {
  render ??= (async () => {
    // The plugin's hooks read nothing from the server they are given: its page depends on its options alone.
    const hooks = await ApolloServerPluginLandingPageLocalDefault({ embed: true }).serverWillStart!(undefined as never);
    const page = await hooks!.renderLandingPage!();
    const { html } = page;
    return typeof html === "string" ? async () => html : html;
  })();
  return (await render)();
}
