module.exports = {
  async up(queryInterface) {
    // ruleid: javascript.sequelize-bulk-delete-all
    await queryInterface.bulkDelete("Sessions", null, {});
    // ruleid: javascript.sequelize-bulk-delete-all
    await queryInterface.bulkUpdate("Users", { plan: "free" }, {});
    // ok: javascript.sequelize-bulk-delete-all
    await queryInterface.bulkDelete("Sessions", { expiresAt: { [Sequelize.Op.lt]: new Date() } });
    // ok: javascript.sequelize-bulk-delete-all
    await queryInterface.bulkUpdate("Users", { plan: "free" }, { plan: "trial" });
  },
  async down(queryInterface) {
    // ok: javascript.sequelize-bulk-delete-all
    await queryInterface.bulkDelete("DemoUsers", null, {});
  },
};
