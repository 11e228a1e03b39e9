// The request a scheme decides for a payout request: built from the gateway's attributes, its
// `created_at` the arrival. The gateway decides with it; the editor's activation review decides
// recent payout requests again with it.

export interface PayoutRequestFields {
  readonly point_amount: string | number;
  readonly point_id: string;
  readonly point_currency: string;
  readonly service: string;
  readonly country?: string | undefined;
  readonly fields?: unknown;
}

export function schemeRequestOf(attrs: PayoutRequestFields, testMode: boolean, createdAt: string): Record<string, unknown> {
  const request: Record<string, unknown> = {
    amount: attrs.point_amount,
    currency: attrs.point_currency,
    service: attrs.service,
    point: attrs.point_id,
    created_at: createdAt,
    test_mode: testMode,
  };
  if (attrs.country !== undefined) request['country'] = attrs.country;
  request['fields'] = attrs.fields ?? {};
  return request;
}
