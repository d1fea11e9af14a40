import { Migration } from '@mikro-orm/migrations';

export class Migration20261125161013 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "sessions" ("id" uuid not null, "user_id" uuid not null, "created_at" timestamptz(3) not null, "last_used_at" timestamptz(3) not null, "expires_at" timestamptz(3) not null, "revoked_at" timestamptz(3) null, "user_agent" varchar(512) null, "ip_address" varchar(64) null, constraint "sessions_pkey" primary key ("id"));`);
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);

    this.addSql(`create table "refresh_tokens" ("token_hash" varchar(64) not null, "session_id" uuid not null, "generation" int not null, "created_at" timestamptz(3) not null, "rotated_at" timestamptz(3) null, constraint "refresh_tokens_pkey" primary key ("token_hash"));`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_session_generation_unique" unique ("session_id", "generation");`);

    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_session_id_foreign" foreign key ("session_id") references "sessions" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "refresh_tokens" drop constraint "refresh_tokens_session_id_foreign";`);

    this.addSql(`drop table if exists "sessions" cascade;`);

    this.addSql(`drop table if exists "refresh_tokens" cascade;`);
  }

}
