// The lab's rule for web-1's memory: an XMRig-style miner's pool URL next to its command-line
// options, as a miner's configuration and command line carry them.
rule lab_xmrig_pool_config
{
    meta:
        description = "Monero miner: stratum pool URL and XMRig options"
        author = "Custody lab"
    strings:
        $pool = /stratum\+(tcp|tls|ssl):\/\/[a-z0-9.-]{3,64}:[0-9]{2,5}/
        $donate = "--donate-level"
    condition:
        $pool and $donate
}
