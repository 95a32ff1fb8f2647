import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../api/src/features/accounts/index.ts';
import { saveScreenshot } from '../testing/artifacts.ts';
import { seriousAxeViolations } from '../testing/axe.ts';
import {
  hasChromium,
  launchBrowser,
  reportMissingChromium,
  type TestBrowser,
} from '../testing/browser.ts';
import { arrangeConfirmedHotspot, isoDayFromNow } from '../testing/confirmed-hotspot.ts';
import { signInThroughForm, signOut } from '../testing/sign-in.ts';
import { startTestServer, type TestServer } from '../testing/test-server.ts';

reportMissingChromium();

// A partner follows their action to the hotspot it belongs to and sees what DESIGN.md section 5
// allows: the generalised outline, status, disclosed counts, the objective/response/assessment
// of the OSARA record and their own agency's action; no forms, no other agency's action, no
// scanning or analysis. Partners of other agencies, a viewer and the chair open the same address.

const HOTSPOT_NAME = 'Bus station and late-night takeaways';
const OWN_TITLE = 'Test purchase and licence review';
const OTHER_TITLE = 'Evening patrols around the bus station';
const OBJECTIVE = 'Reduce concerns reported around the bus station after 9 pm.';
const RESPONSE = 'Licensing visits, staff awareness sessions and evening patrols.';
// Scanning and analysis describe the intelligence: the tasking roles see them, partners never.
const SCANNING = 'Scanning: reports cluster on Friday nights near two takeaways.';
const ANALYSIS = 'Analysis: the same vehicles recur across three months of reports.';
const OTHER_PASSWORD = 'Partner-pelican-juniper-58';

interface PartnerHotspotBody {
  readonly reports: { count: number } | { suppressed: true; fewerThan: number };
  readonly actions: readonly { title: string }[];
  readonly osara: Record<string, unknown>;
  readonly disclosure?: { suppressionK: number };
}

/** Number of Tab presses until `name` has the focus (bounded), then Enter: keyboard-only use. */
async function tabToAndPress(page: Page, name: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused === name) {
      await page.keyboard.press('Enter');
      return;
    }
  }
  throw new Error(`"${name}" never had the keyboard focus`);
}

describe.skipIf(!hasChromium())("a partner opens the hotspot of their agency's action", () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let hotspotId = '';
  let ownActionId = '';
  const otherPartners: Record<'WMP' | 'BDC', { email: string; password: string }> = {
    WMP: { email: 'partner.police@e2e.test', password: OTHER_PASSWORD },
    BDC: { email: 'partner.bromsgrove@e2e.test', password: OTHER_PASSWORD },
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer({ recordCount: 300 }), launchBrowser()]);
    page = await browser.newPage();
    const partnershipId = server.partnershipId!;
    for (const [code, user] of Object.entries(otherPartners)) {
      await createUser(server.deps, {
        partnershipId,
        email: user.email,
        name: `Partner of ${code}`,
        role: 'partner',
        agencyCode: code,
        password: user.password,
      });
    }
    // A 300 m square around the busiest place in the synthetic data, so it holds reports.
    const { rows } = await sql<{ area: string }>`
      select ST_AsGeoJSON(ST_Transform(ST_Expand(ST_SetSRID(ST_MakePoint(r.easting, r.northing), 27700), 150), 4326), 7) as area
      from intelligence_record r
      where r.partnership_id = ${partnershipId}
      order by (select count(*) from intelligence_record o
                where o.partnership_id = r.partnership_id
                  and abs(o.easting - r.easting) < 150 and abs(o.northing - r.northing) < 150) desc,
               r.id
      limit 1`.execute(server.deps.db.kysely);
    const dueOn = isoDayFromNow(21);
    const arranged = await arrangeConfirmedHotspot(server, {
      name: HOTSPOT_NAME,
      area: JSON.parse(rows[0]!.area),
      confirm: {
        risk: 'high',
        objective: OBJECTIVE,
        scanning: SCANNING,
        analysis: ANALYSIS,
        response: RESPONSE,
      },
      actions: [
        { agencyCode: 'WRS', title: OWN_TITLE, dueOn },
        { agencyCode: 'WMP', title: OTHER_TITLE, dueOn },
      ],
    });
    hotspotId = arranged.hotspotId;
    ownActionId = arranged.actionIds[0]!;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The hotspot as the signed-in user's browser receives it from the API. */
  const apiHotspot = () =>
    page.evaluate(async (id) => {
      const r = await fetch(`/api/hotspots/${id}`, { credentials: 'same-origin' });
      return { status: r.status, text: await r.text() };
    }, hotspotId);

  it('follows the link from their action to the hotspot, by keyboard', async () => {
    await signInThroughForm(page, server.url, server.user('partner'));
    await page.getByRole('table').getByRole('link', { name: OWN_TITLE }).click();
    await page.getByRole('heading', { name: OWN_TITLE, level: 1 }).waitFor();
    await tabToAndPress(page, HOTSPOT_NAME);
    await page.getByRole('heading', { name: HOTSPOT_NAME, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/hotspots/${hotspotId}`);
    // The page belongs to the partner's actions in the navigation.
    expect(
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: "My agency's actions" })
        .getAttribute('aria-current'),
    ).toBe('page');
  });

  it("shows the hotspot's details as disclosed, and the partner's own action", async () => {
    const { status, text } = await apiHotspot();
    expect(status).toBe(200);
    const body = JSON.parse(text) as PartnerHotspotBody;
    const k = body.disclosure!.suppressionK;

    const facts = page.getByTestId('hotspot-facts');
    expect(await facts.textContent()).toContain('Tasked');
    expect(await facts.textContent()).toContain('High');
    // The count as the API published it: "fewer than k" or a published value at or above k.
    const reports = (await page.getByTestId('hotspot-reports').textContent()) ?? '';
    expect(reports).toBe('count' in body.reports ? String(body.reports.count) : `fewer than ${k}`);
    if ('count' in body.reports) expect(body.reports.count).toBeGreaterThanOrEqual(k);
    await page.getByTestId('disclosure-notes').getByText('handling code C').waitFor();
    await page
      .getByTestId('disclosure-notes')
      .getByText(/perturbed by at most 2/)
      .waitFor();
    // No outcome evaluation: it compares with the rest of the area, which partners may not see.
    expect(await page.getByRole('heading', { name: 'Did it work?' }).count()).toBe(0);
    expect(await page.getByRole('main').getByRole('alert').count()).toBe(0);

    // The outline on the map, drawn from the disclosed area, with the tiles unavailable.
    const map = page.getByTestId('hotspot-map');
    await map.locator('path.layer-hotspot').first().waitFor();
    expect(await map.locator('path.layer-hotspot').count()).toBe(1);
    await map.getByTestId('tile-notice').waitFor();
    expect(await map.getByRole('region', { name: /^Map of the partnership area/ }).count()).toBe(1);

    const osara = page.getByTestId('osara-record');
    await osara.getByText(OBJECTIVE).waitFor();
    await osara.getByText(RESPONSE).waitFor();
    expect(await osara.getByText('Assessment').count()).toBe(1);

    const actions = page.getByRole('table', {
      name: 'Actions of Worcestershire Regulatory Services on this hotspot',
    });
    await actions.getByRole('link', { name: OWN_TITLE }).waitFor();
    expect(await actions.getByRole('row').count()).toBe(2); // header and the one action
    expect(body.actions.map((a) => a.title)).toEqual([OWN_TITLE]);

    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'partner-hotspot');
    await actions.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'partner-hotspot-actions');
  });

  it("shows no controls, no other agency's action and nothing the API withholds", async () => {
    const main = page.getByRole('main');
    expect(await main.getByText(OTHER_TITLE).count()).toBe(0);
    expect(await main.getByText('West Mercia Police').count()).toBe(0);
    for (const secret of [SCANNING, ANALYSIS]) {
      expect(await main.getByText(secret).count()).toBe(0);
    }
    expect(await main.getByText('Scanning', { exact: true }).count()).toBe(0);
    for (const name of ['Change status', 'Save record', 'Assign']) {
      expect(await main.getByRole('button', { name }).count()).toBe(0);
    }
    expect(await main.locator('form').count()).toBe(0);
    expect(await main.getByRole('textbox').count()).toBe(0);
    expect(await main.getByRole('combobox').count()).toBe(0);
    // And the API sent none of it either: no analyst fields, no other agency's action.
    const { text } = await apiHotspot();
    for (const withheld of [SCANNING, ANALYSIS, OTHER_TITLE, '"stats"', '"parameters"']) {
      expect(text).not.toContain(withheld);
    }
  });

  it('goes back to the action from the hotspot', async () => {
    await page
      .getByRole('table', { name: /^Actions of / })
      .getByRole('link', { name: OWN_TITLE })
      .click();
    await page.getByRole('heading', { name: OWN_TITLE, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/actions/${ownActionId}`);
    await signOut(page);
  });

  it("shows another agency's partner their own action on the hotspot, not the first agency's", async () => {
    await signInThroughForm(page, server.url, otherPartners.WMP, `/hotspots/${hotspotId}`);
    await page.getByRole('heading', { name: HOTSPOT_NAME, level: 1 }).waitFor();
    const actions = page.getByRole('table', {
      name: 'Actions of West Mercia Police on this hotspot',
    });
    await actions.getByRole('link', { name: OTHER_TITLE }).waitFor();
    expect(await page.getByRole('main').getByText(OWN_TITLE).count()).toBe(0);
    expect(await page.getByRole('main').locator('form').count()).toBe(0);
    await signOut(page);
  });

  it('tells a partner whose agency has no action on the hotspot that there is no such hotspot', async () => {
    await signInThroughForm(page, server.url, otherPartners.BDC, `/hotspots/${hotspotId}`);
    await page.getByRole('heading', { name: 'Hotspot not found', level: 1 }).waitFor();
    expect((await apiHotspot()).status).toBe(404);
    const main = page.getByRole('main');
    await main.getByText('Bromsgrove District Council has no action on it').waitFor();
    expect(await main.getByText(HOTSPOT_NAME).count()).toBe(0);
    expect(await main.getByRole('link', { name: "← My agency's actions" }).count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await saveScreenshot(page, 'partner-hotspot-not-found');
    await signOut(page);
  });

  it('gives a viewer the read-only page with every agency’s action status', async () => {
    await signInThroughForm(page, server.url, server.user('viewer'), `/hotspots/${hotspotId}`);
    await page.getByRole('heading', { name: HOTSPOT_NAME, level: 1 }).waitFor();
    const actions = page.getByRole('table', { name: 'Actions on this hotspot' });
    await actions.getByText(OWN_TITLE).waitFor();
    await actions.getByText(OTHER_TITLE).waitFor();
    // Viewers have no action pages: the titles are not links.
    expect(await actions.getByRole('link').count()).toBe(0);
    const main = page.getByRole('main');
    expect(await main.locator('form').count()).toBe(0);
    expect(await main.getByText(SCANNING).count()).toBe(0);
    await page.getByTestId('hotspot-map').locator('path.layer-hotspot').first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await signOut(page);
  });

  it("leads a viewer from the hotspot selected on the map to the hotspot's page", async () => {
    await signInThroughForm(
      page,
      server.url,
      server.user('viewer'),
      '/map?v=1&layers=districts,hotspots',
    );
    const outlines = page.locator('path.layer-hotspot');
    await outlines.first().waitFor();
    expect(await outlines.count()).toBe(1);
    await outlines.first().click({ force: true });
    const panel = page.getByTestId('hotspot-panel');
    await panel.getByRole('link', { name: "Open the hotspot's page" }).click();
    await page.getByRole('heading', { name: HOTSPOT_NAME, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/hotspots/${hotspotId}`);
    await signOut(page);
  });

  it('still gives the chair the forms, the whole OSARA record and every action', async () => {
    await signInThroughForm(page, server.url, server.user('chair'), `/hotspots/${hotspotId}`);
    await page.getByRole('heading', { name: HOTSPOT_NAME, level: 1 }).waitFor();
    const main = page.getByRole('main');
    await main.getByRole('form', { name: 'Change status' }).waitFor();
    await main.getByRole('form', { name: 'Assign an action' }).waitFor();
    expect(await main.getByLabel('Scanning').inputValue()).toBe(SCANNING);
    // What the chair writes is read by partners: each form says so where it is written.
    const descriptionOf = async (label: string) => {
      const id = await main.getByLabel(label).getAttribute('aria-describedby');
      expect(id).toBeTruthy();
      return page.locator(`#${id}`).textContent();
    };
    expect(await descriptionOf('Reason')).toContain('partners with actions here');
    expect(await descriptionOf('Objective')).toContain(
      'Partners with actions here and viewers read the objective',
    );
    // A reason that names a person is refused where it was typed, saying why, and not saved.
    const statusForm = main.getByRole('form', { name: 'Change status' });
    await statusForm.getByLabel('New status').selectOption({ index: 1 });
    await statusForm.getByLabel('Reason').fill('Mrs Patel asked us to close it');
    await statusForm.getByRole('button', { name: 'Change status' }).click();
    await statusForm
      .locator('.field-error')
      .getByText(
        'looks like it holds personal data (name after a title); describe places and patterns, never people',
      )
      .waitFor();
    expect(await statusForm.getByLabel('Reason').inputValue()).toBe(
      'Mrs Patel asked us to close it',
    );
    await main.getByRole('link', { name: OTHER_TITLE }).waitFor();
    await main.getByRole('link', { name: OWN_TITLE }).waitFor();
  });
});
