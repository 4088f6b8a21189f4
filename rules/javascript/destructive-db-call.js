async function resetCarts(db) {
  // ruleid: javascript.destructive-db-call
  await db.collection("carts").deleteMany({});
}

async function boot(sequelize) {
  // ruleid: javascript.destructive-db-call
  await sequelize.sync({ force: true });
}

async function purgeUsers(prisma) {
  // ruleid: javascript.destructive-db-call
  await prisma.user.deleteMany();
}

async function resetCartsOk(db, userId) {
  // ok: javascript.destructive-db-call
  await db.collection("carts").deleteMany({ userId });
}

async function bootOk(sequelize) {
  // ok: javascript.destructive-db-call
  await sequelize.sync();
}

async function purgeInactive(prisma, cutoff) {
  // ok: javascript.destructive-db-call
  await prisma.user.deleteMany({ where: { lastLogin: { lt: cutoff } } });
}
