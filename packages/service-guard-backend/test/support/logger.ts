import type { LoggerService } from '@backstage/backend-plugin-api';

/** A logger that keeps each line it is told as `<level> <message>` in `lines` (its children too). */
export function recordingLogger(lines: string[]): LoggerService {
  const log = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`);
  };
  const logger: LoggerService = {
    error: log('error'),
    warn: log('warn'),
    info: log('info'),
    debug: log('debug'),
    child: () => logger,
  };
  return logger;
}
