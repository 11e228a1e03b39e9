// The scheme a first visit starts with, under a name no stored scheme has (console-model/draft.ts):
// saving it makes a new scheme, never a version of an example.
import { DRAFT_NAME } from '../console-model/draft.js';

export const sampleScheme = (name: string = DRAFT_NAME): string => `scheme ${name}
attempts 2
require country # the sanctions block reads it

field kyc_level int required
field segment one_of "retail", "business", "vip"

route acme_eur EUR fee 0.5% + 0.20 min 1.00 max 25000
route bankco_eur EUR fee 1.00
route global_usd USD fee 0.3% + 0.10 markup 0.1%

block sanctions when country in [KP, IR, SY, CU]
block unverified when amount > 10000 EUR and fields.kyc_level < 2

service sepa_eur {
  when amount >= 10000 EUR {
    balance acme_eur, bankco_eur
  } else when country in [DE, AT] and fields.segment = "business" {
    cost acme_eur, bankco_eur, global_usd
  } else {
    optimal acme_eur, bankco_eur
  }
}
`;
