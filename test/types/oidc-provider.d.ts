/**
 * The little of oidc-provider 9 that the test helpers use. The package ships no types (and
 * @types/oidc-provider describes older versions), so this is written from its lib/ sources.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface InteractionDetails {
    uid: string;
    params: Record<string, unknown> & { client_id?: string; scope?: string };
    prompt: { name: string; reasons: string[]; details: Record<string, unknown> };
    session?: { accountId: string };
    grantId?: string;
  }

  export interface InteractionResults {
    login?: { accountId: string; amr?: string[]; acr?: string; remember?: boolean };
    consent?: { grantId: string };
    error?: string;
    error_description?: string;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    save(): Promise<string>;
  }

  export interface Client {
    clientId: string;
  }

  /** An ID Token being issued; `client` decides its audience. */
  export interface IdToken {
    client: Client;
    ctx?: { oidc?: { entities?: { AuthorizationCode?: { grantId?: string } } } };
    issue(options: { use: string; expiresAt?: number | null }): Promise<string>;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    readonly issuer: string;
    /** Provider is a Koa application. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    readonly Grant: new (properties: { accountId: string; clientId: string }) => Grant;
    readonly IdToken: { prototype: IdToken };
    readonly Client: {
      find(clientId: string): Promise<Client | undefined>;
      adapter: { upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> };
    };
  }

  export default Provider;
}
