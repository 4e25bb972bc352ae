/* Provider Assistant — timing of the provider database: loading every file of a directory and
 * looking addresses up.  Not a test: timings depend on the machine (see bench/README.md).
 *
 * bench-provider [DIR] [LOADS] [LOOKUPS]
 */
#include "config.h"

#include <stdlib.h>
#include "mpa-provider.h"

#define LOAD_TARGET_MS 5.0
#define LOOKUP_TARGET_US 1.0

static gint cmp_double(gconstpointer a, gconstpointer b)
{
	gdouble x = *(const gdouble *)a, y = *(const gdouble *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const gchar *dir = argc > 1 ? argv[1] : "providers";
	guint loads = argc > 2 ? (guint)atoi(argv[2]) : 200;
	guint lookups = argc > 3 ? (guint)atoi(argv[3]) : 1000000;
	/* a mix of what users type: known, unknown, decorated, upper case, IDN */
	static const gchar *const addresses[] = {
		"zhangsan@sohu.com",
		"LiSi@VIP.SOHU.COM",
		"Wang Wu <wangwu@sohu.com>",
		"someone@unknown.example",
		"  x@sohu.com  ",
		"user@例子.测试",
	};
	g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func((GDestroyNotify)mpa_problem_free);
	gdouble *times;
	gdouble median_ms, lookup_us;
	gint64 start;
	guint found = 0, providers;
	MpaDb *db;
	gboolean ok;

	if (loads == 0 || lookups == 0) {
		g_printerr("usage: bench-provider [DIR] [LOADS>0] [LOOKUPS>0]\n");
		return 2;
	}
	times = g_new(gdouble, loads);
	for (guint i = 0; i < loads; i++) {
		start = g_get_monotonic_time();
		db = mpa_db_new();
		mpa_db_load_dir(db, dir, problems);
		times[i] = (g_get_monotonic_time() - start) / 1000.0;
		providers = mpa_db_size(db);
		if (i + 1 < loads)
			mpa_db_free(db);
		if (problems->len > 0) {
			for (guint j = 0; j < problems->len; j++) {
				g_autofree gchar *s = mpa_problem_to_string(problems->pdata[j]);

				g_printerr("%s\n", s);
			}
			return 1;
		}
	}
	qsort(times, loads, sizeof(gdouble), cmp_double);
	median_ms = times[loads / 2];

	start = g_get_monotonic_time();
	for (guint i = 0; i < lookups; i++) {
		if (mpa_db_lookup_address(db, addresses[i % G_N_ELEMENTS(addresses)], NULL, NULL) != NULL)
			found++;
	}
	lookup_us = (gdouble)(g_get_monotonic_time() - start) / lookups;

	ok = median_ms < LOAD_TARGET_MS && lookup_us < LOOKUP_TARGET_US;
	g_print("providers loaded:  %u from %s\n", providers, dir);
	g_print("load (median of %u): %.3f ms   (target < %.0f ms)   %s\n", loads, median_ms,
		LOAD_TARGET_MS, median_ms < LOAD_TARGET_MS ? "ok" : "TOO SLOW");
	g_print("look-up (%u):    %.3f us   (target < %.0f us)   %s\n", lookups, lookup_us,
		LOOKUP_TARGET_US, lookup_us < LOOKUP_TARGET_US ? "ok" : "TOO SLOW");
	g_print("(found %u of %u)\n", found, lookups);
	mpa_db_free(db);
	g_free(times);
	return ok ? 0 : 1;
}
