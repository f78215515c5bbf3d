import { startTestApp, type TestApp } from './app';
import { createTestDatabase, type TestDatabase } from './database';
import { startTestIdentityProvider, type TestIdentityProvider } from './identity-provider';

/** What most integration tests need: their own database copy, a real OpenID provider, and the app. */
export interface TestStack {
  db: TestDatabase;
  idp: TestIdentityProvider;
  app: TestApp;
  close(): Promise<void>;
}

export async function startTestStack(env: Record<string, string> = {}): Promise<TestStack> {
  const db = await createTestDatabase();
  const idp = await startTestIdentityProvider();
  let app: TestApp;
  try {
    app = await startTestApp(db.url, idp.issuer, env);
  } catch (error) {
    // Otherwise the provider's server keeps the test process alive and the file hangs instead of failing.
    await idp.close();
    await db.drop();
    throw error;
  }
  return {
    db,
    idp,
    app,
    async close() {
      await app.close();
      await idp.close();
      await db.drop();
    },
  };
}
