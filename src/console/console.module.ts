import { Module } from '@nestjs/common';
import { loadConsoleAssets } from './console-assets';
import { ConsoleController } from './console.controller';
import { CONSOLE_ASSETS } from './console.tokens';

/** Serves the web console (console/, built by `npm run build`) at `/`. */
@Module({
  controllers: [ConsoleController],
  providers: [{ provide: CONSOLE_ASSETS, useFactory: () => loadConsoleAssets() }],
})
export class ConsoleModule {}
