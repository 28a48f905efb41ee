/*
** Days of cover (可用天数), pure: how long what is on hand lasts at the rate
** of the recent consumption.  See supplies.h for the reading of a gap.
*/
#include "supplies/supplies.h"

bool supply_cover_tenths(const struct supply_cover *c, int64_t *ret_tenths)
{
	if (c->reported_days <= 0 || c->consumed <= 0)
		return false;
	*ret_tenths = c->on_hand * c->reported_days * 10 / c->consumed;
	return true;
}

bool supply_cover_red(const struct supply_cover *c, int red_days)
{
	if (c->reported_days <= 0 || c->consumed <= 0)
		return false;
	return c->on_hand * c->reported_days < (int64_t)red_days * c->consumed;
}
