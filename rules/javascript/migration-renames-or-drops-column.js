exports.up = function (knex) {
  return knex.schema.alterTable("users", (table) => {
    // ruleid: javascript.migration-renames-or-drops-column
    table.renameColumn("name", "full_name");
    // ok: javascript.migration-renames-or-drops-column
    table.string("display_name").nullable();
  });
};

exports.down = function (knex) {
  return knex.schema.alterTable("users", (table) => {
    // ok: javascript.migration-renames-or-drops-column
    table.renameColumn("full_name", "name");
  });
};

module.exports = {
  async up(queryInterface, Sequelize) {
    // ruleid: javascript.migration-renames-or-drops-column
    await queryInterface.renameTable("Orders", "Purchases");
    // ruleid: javascript.migration-renames-or-drops-column
    await queryInterface.changeColumn("Invoices", "totalAmount", { type: Sequelize.INTEGER, allowNull: false });
    // ok: javascript.migration-renames-or-drops-column
    await queryInterface.changeColumn("Invoices", "totalAmount", { type: Sequelize.DECIMAL(19, 4) });
    // ok: javascript.migration-renames-or-drops-column
    await queryInterface.changeColumn("LineItems", "quantity", { type: Sequelize.INTEGER });
    // ruleid: javascript.migration-renames-or-drops-column
    await queryInterface.sequelize.query('ALTER TABLE "Users" DROP COLUMN "legacyEmail";');
    // ok: javascript.migration-renames-or-drops-column
    await queryInterface.sequelize.query('ALTER TABLE "Users" DROP CONSTRAINT "Users_email_key";');
  },
  async down(queryInterface) {
    // ok: javascript.migration-renames-or-drops-column
    await queryInterface.renameTable("Purchases", "Orders");
  },
};

exports.up = async (knex) => {
  // ruleid: javascript.migration-renames-or-drops-column
  await knex.schema.renameTable("orders", "purchases");
  // ruleid: javascript.migration-renames-or-drops-column
  await knex.raw("ALTER TABLE accounts RENAME COLUMN name TO display_name");
};

exports.up = async (knex) => {
  // ok: javascript.migration-renames-or-drops-column
  await knex.schema.renameTable("users_new", "users");
};
