/* SPDX-License-Identifier: MIT */
#include "lsock/modes.h"

int modes_run(const struct query_plan *plan)
{
	switch (plan->mode) {
	case MODE_WATCH:
		return watch_run(plan);
	case MODE_EVENTS:
		return events_run(plan);
	case MODE_KILL:
		return kill_run(plan);
	case MODE_PROMETHEUS:
		return prom_run(plan);
	case MODE_LIST:
		break;
	}
	return 2;
}
