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

export class RebuildUserTable1700000000002 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    // ok: javascript.migration-renames-or-drops-column
    await queryRunner.query(`ALTER TABLE "temporary_user" RENAME TO "user"`);
    // ok: javascript.migration-renames-or-drops-column
    await queryRunner.query(`ALTER TABLE ${tablePrefix}workflow_entity RENAME COLUMN id to tmp_id;`);
    // ok: javascript.migration-renames-or-drops-column
    await queryRunner.query(`ALTER TABLE ${tablePrefix}workflow_entity DROP COLUMN tmp_id;`);
    // ok: javascript.migration-renames-or-drops-column
    await knex.schema.renameTable("entities", "tmp_entities");
    // ruleid: javascript.migration-renames-or-drops-column
    await queryRunner.query(`ALTER TABLE ${tablePrefix}attempts DROP COLUMN "templateId"`);
  }
}
