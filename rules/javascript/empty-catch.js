async function a() {
  // ruleid: javascript.empty-catch
  try {
    await save();
  } catch (e) {}
}

// ruleid: javascript.empty-catch
promise.catch(() => {});

async function b() {
  // ok: javascript.empty-catch
  try {
    await save();
  } catch (e) {
    console.error(e);
    throw e;
  }
}

// ok: javascript.empty-catch
promise.catch((err) => logger.error(err));
