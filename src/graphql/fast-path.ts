/**
 * The fast path, behind one switch (FAST_PATH, on by default): operations used twice run
 * compiled (graphql-jit, through Apollo's gateway: ./executor.ts), and a query Apollo answered
 * compiled runs without Apollo's pipeline when the same request comes again
 * (./direct-execution.ts). Direct runs skip Apollo's plugins, so the fast path starts only when
 * every plugin is known to do nothing a successful query's direct run would miss.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayInterface } from "@apollo/server-gateway-interface";
import type { GraphQLSchema } from "graphql";
import type { Context } from "./shared/context.js";
import { DirectOperations, directRequestOf, type DirectOperation, type DirectRequest } from "./direct-execution.js";
import { jitGateway } from "./executor.js";

export interface DirectCandidate {
  request: DirectRequest;
  key: string;
  /** The compiled operation, when Apollo has answered this exact request before. */
  operation: DirectOperation | undefined;
}

export class FastPath {
  readonly gateway: GatewayInterface;
  private readonly operations = new DirectOperations();

  /**
   * `plugins` are all of Apollo's; `safe` those whose per-request work a successful query's direct
   * run does not need (or that the server does itself for direct runs: logs and metrics).
   */
  constructor(schema: GraphQLSchema, plugins: readonly ApolloServerPlugin<Context>[], safe: ReadonlySet<ApolloServerPlugin<Context>>) {
    const unknown = plugins.filter((plugin) => !safe.has(plugin));
    if (unknown.length > 0) {
      throw new Error(
        `The fast path would skip ${unknown.length} Apollo plugin(s) with per-request effects in direct runs; mark them safe in src/graphql/apollo.ts after checking, or set FAST_PATH=false`,
      );
    }
    this.gateway = jitGateway(schema);
  }

  /** The request as a direct run would take it, or null when only Apollo may answer it. */
  candidate(contentType: string | undefined, body: unknown, accept: string): DirectCandidate | null {
    const request = directRequestOf(contentType, body);
    if (!request) return null;
    const key = this.operations.key(accept, request);
    return { request, key, operation: this.operations.get(key) };
  }

  /** After Apollo answered the candidate successfully through a compiled operation. */
  remember(candidate: DirectCandidate, context: Context, headers: Array<[string, string]>): void {
    if (context.operation.compiled) this.operations.remember(candidate.key, { run: context.operation.compiled, headers });
  }
}
