import { describe, expect, it } from 'vitest';
import {
  disclosureNotes,
  evaluationNotYet,
  hotspotPageView,
  mayOpenAction,
  riskLabel,
} from './hotspot-view.ts';

const ACTION_ID = '5d0c2b1e-8f3a-4b6c-9e2d-7a1f0c3b4d5e';

describe('the hotspot page per role', () => {
  it('offers the forms to the tasking roles only', () => {
    expect(hotspotPageView('chair').mayChange).toBe(true);
    expect(hotspotPageView('analyst').mayChange).toBe(true);
    expect(hotspotPageView('partner').mayChange).toBe(false);
    expect(hotspotPageView('viewer').mayChange).toBe(false);
    expect(hotspotPageView('admin').mayChange).toBe(false);
  });

  it("leads each role back to a page it may open: the partner to their agency's actions", () => {
    expect(hotspotPageView('chair').back).toEqual({ href: '/hotspots', label: 'All hotspots' });
    expect(hotspotPageView('partner').back).toEqual({
      href: '/actions',
      label: "My agency's actions",
    });
    expect(hotspotPageView('viewer').back).toEqual({ href: '/map', label: 'Map' });
  });

  it("names the partner's actions as their agency's, without an agency column", () => {
    expect(hotspotPageView('partner')).toMatchObject({
      actionsHeading: "Your agency's actions",
      showAgency: false,
      showEvaluation: false,
    });
    expect(hotspotPageView('viewer')).toMatchObject({
      actionsHeading: 'Actions',
      showAgency: true,
      showEvaluation: true,
    });
  });

  it('links actions only for roles that may open an action page', () => {
    expect(mayOpenAction('chair', ACTION_ID)).toBe(true);
    expect(mayOpenAction('partner', ACTION_ID)).toBe(true);
    expect(mayOpenAction('viewer', ACTION_ID)).toBe(false);
  });

  it('words risks', () => {
    expect(riskLabel('very-high')).toBe('Very high');
    expect(riskLabel('low')).toBe('Low');
  });
});

describe('disclosure notes', () => {
  it('says in words each rule the API reports it applied', () => {
    expect(
      disclosureNotes({
        suppressionK: 3,
        countsRoundedTo: 5,
        vertexClearanceMeters: 25,
        handlingCodeC: 'excluded',
      }),
    ).toEqual([
      'Counts are rounded to the nearest 5; a count below 3 is shown only as "fewer than 3".',
      'Reports with handling code C are not counted.',
      'The outline is generalised to a hexagon grid, with no corner within 25 m of a report.',
    ]);
  });

  it('says nothing for analysts, who receive no disclosure block, or for an unknown shape', () => {
    expect(disclosureNotes(undefined)).toEqual([]);
    expect(
      disclosureNotes({
        suppressionK: 3,
        perturbationBound: 2,
        generalisedToHexMeters: 250,
        handlingCodeC: 'excluded',
      }),
    ).toEqual([
      'Reports with handling code C are not counted.',
      `Counts come from the partnership's published table of whole months: each is perturbed by at most 2; a count below 3 is shown only as "fewer than 3".`,
      'The outline is the 250 m hexagons of the published grid that the hotspot touches.',
    ]);
    expect(disclosureNotes({ suppressionK: '3' })).toEqual([]);
  });
});

describe('when the outcome evaluation can be asked for', () => {
  it('needs a response start, and a whole day after it', () => {
    expect(evaluationNotYet(null, '2025-05-01')).toMatch(/once the response has started/);
    expect(evaluationNotYet('2025-05-01', '2025-05-01')).toMatch(/from the day after it began/);
    expect(evaluationNotYet('2025-05-02', '2025-05-01')).toMatch(/from the day after it began/);
    expect(evaluationNotYet('2025-04-30', '2025-05-01')).toBeNull();
  });
});
