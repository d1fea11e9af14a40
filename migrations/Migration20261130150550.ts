import { Migration } from '@mikro-orm/migrations';

export class Migration20261130150550 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "passkeys" ("id" uuid not null, "user_id" uuid not null, "credential_id" varchar(1400) not null, "public_key" bytea not null, "counter" bigint not null, "transports" text[] not null, "device_type" varchar(20) not null, "backed_up" boolean not null, "name" varchar(100) not null, "created_at" timestamptz(3) not null, "last_used_at" timestamptz(3) null, constraint "passkeys_pkey" primary key ("id"));`);
    this.addSql(`alter table "passkeys" add constraint "passkeys_credential_id_unique" unique ("credential_id");`);
    this.addSql(`create index "passkeys_user_index" on "passkeys" ("user_id");`);

    this.addSql(`alter table "passkeys" add constraint "passkeys_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "passkeys" cascade;`);
  }

}
