import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in methods as modules (issue 12): the password moves out of `users` into a credential of its
 * own (copied, then dropped), sessions record how and when their user signed in (existing sessions were
 * all password sign-ins, at their creation), mail waits in an outbox table, and the security log.
 */
export class Migration20261130135226 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "mail_outbox" ("id" uuid not null, "recipient" varchar(254) not null, "subject" varchar(200) not null, "text" text null, "html" text null, "created_at" timestamptz(3) not null, "expires_at" timestamptz(3) not null, "attempts" int not null default 0, "next_attempt_at" timestamptz(3) not null, "leased_until" timestamptz(3) null, "sent_at" timestamptz(3) null, "gave_up_at" timestamptz(3) null, constraint "mail_outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "mail_outbox_due_index" on "mail_outbox" ("next_attempt_at") where "sent_at" is null and "gave_up_at" is null;`);

    this.addSql(`create table "security_events" ("id" bigserial primary key, "user_id" uuid null, "type" varchar(40) not null, "created_at" timestamptz(3) not null, "ip_address" varchar(64) null, "user_agent" varchar(512) null, "session_id" uuid null);`);
    this.addSql(`create index "security_events_created_index" on "security_events" ("created_at");`);
    this.addSql(`create index "security_events_user_id_index" on "security_events" ("user_id", "id");`);
    this.addSql(`alter table "security_events" add constraint "security_events_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "password_credentials" ("user_id" uuid not null, "password_hash" varchar(100) not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, constraint "password_credentials_pkey" primary key ("user_id"));`);
    this.addSql(`alter table "password_credentials" add constraint "password_credentials_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(
      `insert into "password_credentials" ("user_id", "password_hash", "created_at", "updated_at") select "id", "password_hash", "created_at", "updated_at" from "users";`,
    );
    this.addSql(`alter table "users" drop column "password_hash";`);

    this.addSql(`alter table "sessions" add column "auth_methods" text[] null, add column "auth_time" timestamptz(3) null;`);
    this.addSql(`update "sessions" set "auth_methods" = '{pwd}', "auth_time" = "created_at";`);
    this.addSql(`alter table "sessions" alter column "auth_methods" set not null, alter column "auth_time" set not null;`);
  }

  override async down(): Promise<void> {
    // Accounts without a password (none exist before later migrations) keep a null hash.
    this.addSql(`alter table "users" add column "password_hash" varchar(100) null;`);
    this.addSql(
      `update "users" set "password_hash" = "password_credentials"."password_hash" from "password_credentials" where "password_credentials"."user_id" = "users"."id";`,
    );
    this.addSql(`drop table if exists "mail_outbox" cascade;`);

    this.addSql(`drop table if exists "security_events" cascade;`);

    this.addSql(`drop table if exists "password_credentials" cascade;`);

    this.addSql(`alter table "sessions" drop column "auth_methods", drop column "auth_time";`);
  }

}
