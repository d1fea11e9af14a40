import { Migration } from '@mikro-orm/migrations';

export class Migration20261130143650 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "totp_credentials" ("user_id" uuid not null, "secret_sealed" varchar(200) not null, "enabled_at" timestamptz(3) null, "last_used_step" int null, "recovery_salt" varchar(32) not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, constraint "totp_credentials_pkey" primary key ("user_id"));`);

    this.addSql(`create table "recovery_codes" ("id" uuid not null, "user_id" uuid not null, "code_hash" varchar(64) not null, "used_at" timestamptz(3) null, "created_at" timestamptz(3) not null, constraint "recovery_codes_pkey" primary key ("id"));`);
    this.addSql(`create index "recovery_codes_user_hash_index" on "recovery_codes" ("user_id", "code_hash");`);

    this.addSql(`alter table "totp_credentials" add constraint "totp_credentials_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "recovery_codes" add constraint "recovery_codes_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "totp_credentials" cascade;`);

    this.addSql(`drop table if exists "recovery_codes" cascade;`);
  }

}
