import { describe, expect, it } from 'vitest';
import { findPersonalData, findPersonalDataInNote, isFormulaInjection } from './screen.ts';

describe('findPersonalData', () => {
  it.each([
    ['Seen talking to Mr Jones outside', 'name after a title'],
    ['mrs. Patel runs the shop', 'name after a title'],
    ['Dr. Okafor reported it', 'name after a title'],
    ['Miss Ellie seen in a car', 'name after a title'],
    ['Mrs Patel walks up Lady Lane', 'name after a title'],
    ['Seen with Lord Street boys and Mr Khan', 'name after a title'],
    ['Call 07700 900123 for more', 'phone number'],
    ['tel +44 7700 900123', 'phone number'],
    ['landline (01562) 732928', 'phone number'],
    ['0121-496-0000 given as contact', 'phone number'],
    ['contact j.bloggs@example.org', 'email address'],
    ['DOB 12/03/2009', 'date of birth'],
    ['born in 2010', 'date of birth'],
    ['date of birth given as 3 May 09', 'date of birth'],
    ['incident on 12/03/2024 near the rank', 'full date'],
    ['on 5th March 2024 at the park', 'full date'],
    ['outside DY10 1AA late evening', 'full postcode'],
    ['near b97 4dl', 'full postcode'],
    ['car AB12 CDE parked up', 'vehicle registration'],
    ['old car R123 ABC seen', 'vehicle registration'],
    ['classic ABC 123D again', 'vehicle registration'],
  ])('finds personal data in "%s"', (text, kind) => {
    expect(findPersonalData(text)).toContain(kind);
  });

  it.each([
    'Groups of adults in the DY10 area late evening',
    'Taxi rank on Station Dr Kidderminster busy after 11pm',
    'Takeaway on the A38 near junction 1 of the M42',
    'Three young people aged 14-15 seen entering the hotel',
    'Repeat reports over 2 weeks, about 10 visits',
    'Seen between 22:30 and 01:00 on Friday',
    'Mr and Mrs not given',
    'Outside number 12, second floor flat',
    'CCTV ref 2024/118 requested',
    'Groups gathering on Lady Lane after school',
    'Outside the Lord Nelson Arms most Fridays',
    'Sir Thomas Street car park, late evening',
  ])('finds nothing in "%s"', (text) => {
    expect(findPersonalData(text)).toEqual([]);
  });
});

describe('findPersonalDataInNote', () => {
  it('keeps the dates and postcodes a note about a place uses', () => {
    expect(findPersonalDataInNote('Review on 12/03/2027 at the takeaway, DY10 1AA')).toEqual([]);
    expect(findPersonalDataInNote('Agreed on 5th March 2027')).toEqual([]);
  });

  it.each([
    ['Spoke with Mrs Patel at the shop', 'name after a title'],
    ['Her number is 07700 900123', 'phone number'],
    ['Contact j.bloggs@example.org', 'email address'],
    ['DOB 12/03/2009', 'date of birth'],
    ['Car AB12 CDE seen again', 'vehicle registration'],
  ])('still finds what identifies a person in "%s"', (text, kind) => {
    expect(findPersonalDataInNote(text)).toEqual([kind]);
  });
});

describe('isFormulaInjection', () => {
  it.each(['=HYPERLINK("x")', '+1+1', '-2+3', '@SUM(A1)', '\tfoo', '\rfoo', '  =1', '＝1'])(
    'flags %j',
    (cell) => {
      expect(isFormulaInjection(cell)).toBe(true);
    },
  );
  it.each(['', 'normal text', 'a=b', 'email me@x', 'x-y'])('allows %j', (cell) => {
    expect(isFormulaInjection(cell)).toBe(false);
  });
});
