import { MigrationInterface, QueryRunner } from "typeorm";

export class AddOrderIndexes1700000000001 implements MigrationInterface {
  transaction = false as const;

  public async up(queryRunner: QueryRunner): Promise<void> {
    // ruleid: javascript.migration-locks-or-backfills
    await queryRunner.query(`CREATE INDEX "IDX_order_customer" ON "order" ("customerId")`);
    // ok: javascript.migration-locks-or-backfills
    await queryRunner.query(`CREATE INDEX CONCURRENTLY "IDX_order_created" ON "order" ("createdAt")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // ok: javascript.migration-locks-or-backfills
    await queryRunner.query(`CREATE INDEX "IDX_order_legacy" ON "order" ("legacyId")`);
  }
}
