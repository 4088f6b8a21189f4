module.exports = {
  async up(queryInterface, Sequelize) {
    // ruleid: javascript.migration-locks-or-backfills
    await queryInterface.addIndex("Orders", ["customerId"]);
    // ok: javascript.migration-locks-or-backfills
    await queryInterface.addIndex("Orders", ["createdAt"], { concurrently: true });
    // ruleid: javascript.migration-locks-or-backfills
    await queryInterface.addColumn("Orders", "currency", { type: Sequelize.STRING(3), allowNull: false });
    // ok: javascript.migration-locks-or-backfills
    await queryInterface.addColumn("Orders", "status", { type: Sequelize.STRING, allowNull: false, defaultValue: "pending" });
    // ruleid: javascript.migration-locks-or-backfills
    await queryInterface.sequelize.query('UPDATE "Users" SET "emailNormalized" = lower(email) WHERE "emailNormalized" IS NULL');
  },
  async down(queryInterface) {
    // ok: javascript.migration-locks-or-backfills
    await queryInterface.addIndex("Orders", ["legacyId"]);
  },
};

exports.up = function (knex) {
  return knex.schema.alterTable("orders", (table) => {
    // ruleid: javascript.migration-locks-or-backfills
    table.string("currency", 3).notNullable();
    // ok: javascript.migration-locks-or-backfills
    table.string("status").notNullable().defaultTo("pending");
    // ok: javascript.migration-locks-or-backfills
    table.text("note").nullable();
    // ruleid: javascript.migration-locks-or-backfills
    table.index(["customer_id"]);
  });
};

exports.up = async function (knex) {
  await knex.schema.createTable("invoices", (table) => {
    table.increments("id");
    // ok: javascript.migration-locks-or-backfills
    table.integer("customer_id").notNullable();
    // ok: javascript.migration-locks-or-backfills
    table.index(["customer_id"]);
  });
  // ok: javascript.migration-locks-or-backfills
  await knex.raw("CREATE INDEX CONCURRENTLY orders_created_idx ON orders (created_at)");
};
