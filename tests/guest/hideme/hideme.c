// SPDX-License-Identifier: GPL-2.0
/*
 * custody_hideme: a test fixture, never shipped. scripts/lime-guest builds it into the QEMU test
 * guest only, where the memory tests load it to play a simple rootkit: at load it unlinks itself
 * from the kernel's module list, so /proc/modules and lsmod no longer show it, while its kobject
 * (/sys/module/custody_hideme) stays. Volatility 3's linux.malware.check_modules compares those two.
 *
 * Harmless: it does nothing else, and it is never unloaded (no exit function, so the kernel refuses
 * rmmod; once unlinked, rmmod cannot even find it). list_del_init leaves the entry pointing at itself,
 * so a later list_del on it would be a no-op rather than a use of poisoned pointers.
 */
#include <linux/module.h>
#include <linux/list.h>

static int __init hideme_init(void)
{
	pr_info("custody_hideme: hidden\n");
	list_del_init(&THIS_MODULE->list);
	return 0;
}
module_init(hideme_init);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Custody test fixture: a module that hides from the module list");
