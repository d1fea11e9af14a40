import { Migration } from '@mikro-orm/migrations';

export class Migration20261125160702 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users" add constraint users_email_normalized check(email = lower(btrim(email)));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users" drop constraint users_email_normalized;`);
  }

}
