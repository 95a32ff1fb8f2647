import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { MeetingIdParamSchema } from '@hotspot/contracts';
import type { Context } from 'hono';
import type { AppDeps, AppEnv } from '../../deps.ts';
import { currentUser } from '../../http/current-user.ts';
import { problemResponses } from '../../http/openapi.ts';
import { audit } from '../audit/index.ts';
import { renderPackHtml } from './pack-html.ts';
import { buildPackModel } from './pack-model.ts';
import { DEFAULT_CHROMIUM_PATH, PdfUnavailableError, renderPdf } from './pdf-renderer.ts';

const packPdfRoute = createRoute({
  method: 'get',
  path: '/api/meetings/{id}/pack.pdf',
  summary:
    "The meeting pack as PDF (aggregate only; a partner's copy holds only their agency's actions and hotspots). Where Chromium is unavailable, the printable HTML page instead, with header x-pack-format: html",
  request: { params: MeetingIdParamSchema },
  responses: {
    200: {
      description: 'PDF, or the printable page when no PDF can be made here',
      content: { 'application/pdf': { schema: z.string() }, 'text/html': { schema: z.string() } },
    },
    ...problemResponses(401, 403, 404, 422),
  },
});
const packHtmlRoute = createRoute({
  method: 'get',
  path: '/api/meetings/{id}/pack.html',
  summary: 'The meeting pack and minutes as a printable page (print CSS), same content as the PDF',
  request: { params: MeetingIdParamSchema },
  responses: {
    200: { description: 'Printable HTML', content: { 'text/html': { schema: z.string() } } },
    ...problemResponses(401, 403, 404, 422),
  },
});

const PRINTABLE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function packRoutes(deps: AppDeps) {
  const build = async (c: Context<AppEnv>, id: string, format: 'pdf' | 'html') => {
    const user = currentUser(c);
    const model = await buildPackModel(deps, user, id);
    // Circulated outside the room: a disclosure, whoever asks (the content is aggregate-only).
    await audit(deps, c, {
      category: 'disclosure',
      action: `meeting.pack.${format}`,
      objectType: 'meeting',
      objectId: id,
      query: {
        audience:
          model.audience === 'partnership' ? 'partnership' : `agency:${model.audience.agencyCode}`,
        items: model.items.length,
      },
    });
    return model;
  };
  const fileName = (title: string, ext: string) =>
    `${
      title
        .replace(/[^A-Za-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 60) || 'meeting'
    }-pack.${ext}`;

  return new OpenAPIHono<AppEnv>()
    .openapi(packPdfRoute, async (c) => {
      const { id } = c.req.valid('param');
      const model = await build(c, id, 'pdf');
      try {
        const pdf = await renderPdf(
          renderPackHtml(model),
          deps.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH,
        );
        return new Response(new Uint8Array(pdf), {
          status: 200,
          headers: {
            'content-type': 'application/pdf',
            'content-disposition': `attachment; filename="${fileName(model.meeting.title, 'pdf')}"`,
            'x-pack-format': 'pdf',
          },
        });
      } catch (error) {
        if (!(error instanceof PdfUnavailableError)) throw error;
        deps.logger.warn(
          { reason: error.message },
          'meeting pack PDF unavailable; serving the printable page',
        );
        const html = renderPackHtml(model, {
          notice:
            'A PDF could not be made on this server, so this is the printable page: use your browser to print it or save it as PDF.',
        });
        return c.html(html, 200, {
          'x-pack-format': 'html',
          'content-security-policy': PRINTABLE_CSP,
        });
      }
    })
    .openapi(packHtmlRoute, async (c) => {
      const { id } = c.req.valid('param');
      const model = await build(c, id, 'html');
      return c.html(renderPackHtml(model), 200, {
        'x-pack-format': 'html',
        'content-security-policy': PRINTABLE_CSP,
      });
    });
}
