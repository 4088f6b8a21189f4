import { DataSource, MigrationInterface, QueryRunner } from "typeorm";

export const AppDataSource = new DataSource({
  type: "postgres",
  url: process.env.DATABASE_URL,
  entities: [User, Order],
  // ruleid: javascript.orm-schema-drop
  synchronize: true,
  // ruleid: javascript.orm-schema-drop
  dropSchema: true,
});

export const SafeDataSource = new DataSource({
  type: "postgres",
  url: process.env.DATABASE_URL,
  entities: [User, Order],
  // ok: javascript.orm-schema-drop
  synchronize: false,
  migrations: ["dist/migrations/*.js"],
});

export class DropLegacy1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    // ruleid: javascript.orm-schema-drop
    await queryRunner.dropColumn("orders", "legacy_total");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // ok: javascript.orm-schema-drop
    await queryRunner.dropTable("orders_archive");
  }
}

module.exports = {
  up: async (queryInterface, Sequelize) => {
    // ruleid: javascript.orm-schema-drop
    await queryInterface.removeColumn("Users", "nickname");
  },
  down: async (queryInterface, Sequelize) => {
    // ok: javascript.orm-schema-drop
    await queryInterface.dropTable("Coupons");
  },
};

const featureFlags = {
  // ok: javascript.orm-schema-drop
  synchronize: true,
};

async function resetSchema(config: Options) {
  const orm = await MikroORM.init(config);
  const generator = orm.getSchemaGenerator();
  // ruleid: javascript.orm-schema-drop
  await generator.dropSchema();
  // ok: javascript.orm-schema-drop
  await generator.updateSchema();
}
