/**
 * Indonesian national id (NIK, printed on the KTP): 16 digits
 *
 *   PP KK CC DDMMYY SSSS
 *   PP     province (Kemendagri code, e.g. 32 Jawa Barat, 64 Kalimantan Timur)
 *   KK     regency (01–69 kabupaten) or city (71–99 kota) within the province
 *   CC     district (kecamatan) within the regency
 *   DDMMYY date of birth; women add 40 to the day (41–71)
 *   SSSS   serial, 0001–9999
 *
 * Without the Kemendagri register we validate what the number itself tells: the province
 * code, non-zero regency/district codes, a real calendar date of birth and a non-zero serial.
 */
export const PROVINCES: Record<string, string> = {
  '11': 'Aceh',
  '12': 'Sumatera Utara',
  '13': 'Sumatera Barat',
  '14': 'Riau',
  '15': 'Jambi',
  '16': 'Sumatera Selatan',
  '17': 'Bengkulu',
  '18': 'Lampung',
  '19': 'Kepulauan Bangka Belitung',
  '21': 'Kepulauan Riau',
  '31': 'DKI Jakarta',
  '32': 'Jawa Barat',
  '33': 'Jawa Tengah',
  '34': 'DI Yogyakarta',
  '35': 'Jawa Timur',
  '36': 'Banten',
  '51': 'Bali',
  '52': 'Nusa Tenggara Barat',
  '53': 'Nusa Tenggara Timur',
  '61': 'Kalimantan Barat',
  '62': 'Kalimantan Tengah',
  '63': 'Kalimantan Selatan',
  '64': 'Kalimantan Timur',
  '65': 'Kalimantan Utara',
  '71': 'Sulawesi Utara',
  '72': 'Sulawesi Tengah',
  '73': 'Sulawesi Selatan',
  '74': 'Sulawesi Tenggara',
  '75': 'Gorontalo',
  '76': 'Sulawesi Barat',
  '81': 'Maluku',
  '82': 'Maluku Utara',
  '91': 'Papua',
  '92': 'Papua Barat',
  '93': 'Papua Selatan',
  '94': 'Papua Tengah',
  '95': 'Papua Pegunungan',
  '96': 'Papua Barat Daya',
};

export interface NationalIdDetails {
  provinceCode: string;
  provinceName: string;
  regencyCode: string;
  districtCode: string;
  gender: 'female' | 'male';
  /** DDMMYY gives no century: the latest date not in the future (relative to `today`). */
  birthDate: string;
  serial: string;
}

export type NationalIdResult = { ok: true; value: string | null } | { ok: false; message: string };

/** Removes the separators people type (spaces, dots, hyphens). Empty → null. */
export function cleanNationalId(raw: string | null | undefined): string | null {
  const value = (raw ?? '').replace(/[\s.-]/g, '');
  return value === '' ? null : value;
}

function daysInMonth(month: number, fourDigitYear: number): number {
  return new Date(Date.UTC(fourDigitYear, month, 0)).getUTCDate();
}

/** Checks a NIK; returns the cleaned 16 digits, or why it is not one. */
export function validateNationalId(raw: string | null | undefined): NationalIdResult {
  const value = cleanNationalId(raw);
  if (value === null) return { ok: true, value: null };
  if (!/^\d{16}$/.test(value)) return { ok: false, message: `national id must be 16 digits (got ${value.length} character(s))` };
  const province = value.slice(0, 2);
  if (!PROVINCES[province]) return { ok: false, message: `national id starts with ${province}, which is not an Indonesian province code` };
  if (value.slice(2, 4) === '00') return { ok: false, message: 'national id has regency code 00' };
  if (value.slice(4, 6) === '00') return { ok: false, message: 'national id has district code 00' };
  let day = Number(value.slice(6, 8));
  if (day > 40) day -= 40;
  const month = Number(value.slice(8, 10));
  if (month < 1 || month > 12) return { ok: false, message: `national id has birth month ${value.slice(8, 10)}` };
  // 2000 is a leap year: 29 February passes for any two-digit year that could be one.
  if (day < 1 || day > daysInMonth(month, 2000)) {
    return { ok: false, message: `national id has birth day ${value.slice(6, 8)} (women add 40 to the day)` };
  }
  if (value.slice(12) === '0000') return { ok: false, message: 'national id has serial 0000' };
  return { ok: true, value };
}

/** What a valid NIK tells about its holder (null for an invalid one). */
export function nationalIdDetails(nik: string | null, today: Date = new Date()): NationalIdDetails | null {
  if (nik === null) return null;
  const checked = validateNationalId(nik);
  if (!checked.ok || checked.value === null) return null;
  const rawDay = Number(nik.slice(6, 8));
  const female = rawDay > 40;
  const day = female ? rawDay - 40 : rawDay;
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  let year = 2000 + yy;
  const candidate = Date.UTC(year, month - 1, day);
  if (candidate > today.getTime()) year -= 100;
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    provinceCode: nik.slice(0, 2),
    provinceName: PROVINCES[nik.slice(0, 2)]!,
    regencyCode: nik.slice(0, 4),
    districtCode: nik.slice(0, 6),
    gender: female ? 'female' : 'male',
    birthDate: `${year}-${pad(month)}-${pad(day)}`,
    serial: nik.slice(12),
  };
}
