/**
 * This API as a front end uses it: Apollo Client 4 with its normalized cache (InMemoryCache, no
 * type policies), typed documents made by codegen (test/gql/), HTTP for queries and mutations and
 * graphql-ws for subscriptions. A wallet's cached balance follows a push with no cache code written:
 * the push carries the Wallet (by its id), and the cache updates every query that shows it.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { graphql } from "./gql/index.js";
import { createTestAccount, startTestServer, until, type TestAccount, type TestServer } from "./helpers.js";

const WalletQuery = graphql(`
  query CachedWallet {
    viewer {
      id
      wallet(provider: "ugen") {
        id
        balance
        available
      }
    }
  }
`);

const WalletPushes = graphql(`
  subscription WalletPushes {
    walletChanged(provider: "ugen") {
      wallet {
        id
        balance
        available
      }
      event {
        type
      }
    }
  }
`);

const StartJob = graphql(`
  mutation StartJob($credits: Decimal!) {
    jobCreate(input: { credits: $credits }) {
      job {
        id
        status
      }
      userErrors {
        code
      }
    }
  }
`);

let server: TestServer;
let account: TestAccount;
let client: ApolloClient;
let socket: ReturnType<typeof createClient>;

beforeAll(async () => {
  server = await startTestServer();
  account = await createTestAccount(server, "Front end", "100");
  const http = new HttpLink({ uri: `${server.url}/graphql`, headers: account.key });
  socket = createClient({ url: `${server.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { apiKey: account.apiKey } });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === "OperationDefinition" && definition.operation === "subscription";
    },
    new GraphQLWsLink(socket),
    http,
  );
  client = new ApolloClient({ link, cache: new InMemoryCache() });
});
afterAll(async () => {
  client?.stop();
  await socket?.dispose();
  await server?.close();
});

describe("Apollo Client 4 with a normalized cache", () => {
  it("keeps a wallet's cached balance current from pushes, with no cache update written", async () => {
    const first = await client.query({ query: WalletQuery });
    expect(first.data?.viewer?.wallet).toMatchObject({ balance: "100", available: "100" });
    const walletId = first.data!.viewer!.wallet!.id;
    expect(client.cache.identify({ __typename: "Wallet", id: walletId })).toBe(`Wallet:${walletId}`);

    const pushed: string[] = [];
    const subscription = client.subscribe({ query: WalletPushes }).subscribe({ next: (result) => pushed.push(result.data!.walletChanged.wallet.available) });
    try {
      let reserved = 0;
      const startJob = async (credits: number) => {
        const started = await client.mutate({ mutation: StartJob, variables: { credits: String(credits) } });
        expect(started.data?.jobCreate.userErrors).toEqual([]);
        reserved += credits;
      };
      // The subscription is open once the server acknowledged it: a first push proves it.
      await until(
        async () => (pushed.length === 0 ? await startJob(1) : undefined, pushed.length),
        (n) => n > 0,
      );
      await startJob(30);
      await until(
        async () => pushed.at(-1),
        (available) => available === String(100 - reserved),
      );

      // Read from the cache only: the query's wallet was updated by the pushes alone.
      const cached = client.readQuery({ query: WalletQuery });
      expect(cached?.viewer?.wallet).toEqual({ __typename: "Wallet", id: walletId, balance: "100", available: String(100 - reserved) });
    } finally {
      subscription.unsubscribe();
    }
  });
});
