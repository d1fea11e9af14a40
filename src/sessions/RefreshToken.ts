import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { Session } from './Session';

/**
 * One refresh token of a session's chain, stored only as its SHA-256 hash. `generation` counts the
 * rotations: the unique (session, generation) pair lets the database, not the application, decide
 * which of two concurrent rotations wins, so a session can never grow two live chains. Used tokens are
 * kept (with `rotatedAt`) so that replaying one is recognised as reuse.
 */
@Entity({ tableName: 'refresh_tokens' })
@Unique({ name: 'refresh_tokens_session_generation_unique', properties: ['session', 'generation'] })
export class RefreshToken {
  [OptionalProps]?: 'rotatedAt';

  @PrimaryKey({ type: 'string', length: 64 })
  tokenHash: string;

  @ManyToOne(() => Session, { deleteRule: 'cascade', ref: true })
  session: Ref<Session>;

  @Property({ type: 'integer' })
  generation: number;

  @Property({ type: 'datetime', length: 3 })
  createdAt: Date;

  /** When this token was exchanged for its successor; null while it is the session's current one. */
  @Property({ type: 'datetime', length: 3, nullable: true })
  rotatedAt?: Date | null;
}
