import { MigrationInterface, QueryRunner } from "typeorm";

export class DropLegacyEmail1700000000000 implements MigrationInterface {
  name = "DropLegacyEmail1700000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    // ruleid: javascript.migration-renames-or-drops-column
    await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "legacyEmail"`);
    // ruleid: javascript.migration-renames-or-drops-column
    await queryRunner.query(`ALTER TABLE "order" RENAME COLUMN "total" TO "totalAmount"`);
    // ruleid: javascript.migration-renames-or-drops-column
    await queryRunner.renameColumn("user", "name", "fullName");
    // ok: javascript.migration-renames-or-drops-column
    await queryRunner.query(`ALTER TABLE "user" ADD "fullName" character varying`);
    // ok: javascript.migration-renames-or-drops-column
    await queryRunner.query(`ALTER TABLE "user" ALTER COLUMN "email" DROP NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // ok: javascript.migration-renames-or-drops-column
    await queryRunner.query(`ALTER TABLE "user" DROP COLUMN "fullName"`);
    // ok: javascript.migration-renames-or-drops-column
    await queryRunner.renameColumn("user", "fullName", "name");
  }
}
