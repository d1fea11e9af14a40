import { Migration } from '@mikro-orm/migrations';

export class Migration20261130150319 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "external_identities" ("id" uuid not null, "user_id" uuid not null, "provider" varchar(32) not null, "subject" varchar(255) not null, "email" varchar(254) null, "created_at" timestamptz(3) not null, "last_used_at" timestamptz(3) null, constraint "external_identities_pkey" primary key ("id"));`);
    this.addSql(`create index "external_identities_user_id_index" on "external_identities" ("user_id");`);
    this.addSql(`alter table "external_identities" add constraint "external_identities_provider_subject_unique" unique ("provider", "subject");`);

    this.addSql(`alter table "external_identities" add constraint "external_identities_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "external_identities" cascade;`);
  }

}
