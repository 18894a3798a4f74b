import type { ServerResponse } from 'node:http';
import type { Clock, Logger } from '@crm/runtime';
import { isUuid } from '@crm/runtime';
import type { HttpRoute } from '@crm/service';
import { checkExportLink } from '../domain/export-signing';
import { fileName, type ExportService } from '../services/export-service';

const CONTENT_TYPES = {
  CSV: 'text/csv; charset=utf-8',
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: message }));
}

/**
 * GET /exports/<id>?expires=…&signature=… — the download behind the link `requestCrmExport`
 * returns. The signature is the credential (the link can be opened by a browser without the
 * bearer token); the rows are those the requester could read, streamed as they are written.
 */
export function exportRoute(exports: ExportService, secret: string, clock: Clock, logger: Logger): HttpRoute {
  return {
    prefix: '/exports/',
    async handle(req, res, url) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'method not allowed');
      const id = url.pathname.slice('/exports/'.length);
      if (!isUuid(id)) return refuse(res, 404, 'no such export');
      const check = checkExportLink(secret, id, url.searchParams.get('expires'), url.searchParams.get('signature'), clock.now().getTime());
      if (check === 'bad-signature') return refuse(res, 403, 'the link is not valid');
      if (check === 'expired') return refuse(res, 410, 'the link has expired; request the export again');
      const request = await exports.load(id);
      if (!request) return refuse(res, 404, 'no such export');
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[request.format],
        'content-disposition': `attachment; filename="${fileName(request.format, request.createdAt)}"`,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') return void res.end();
      try {
        const rows = await exports.write(request.user, request.params, request.format, res);
        logger.info({ exportId: id, rows, format: request.format }, 'export downloaded');
      } catch (error) {
        logger.error({ err: error, exportId: id }, 'export failed while streaming');
        res.destroy(error as Error);
      }
    },
  };
}
