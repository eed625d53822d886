<?php
/**
 * Runs the plugin's tests: `php integrations/wordpress/test/run.php`.
 *
 * The gate is a real local HTTP server, PHP's built-in one with gate-stub.php as its router; the plugin reaches it
 * through wp_remote_get, implemented in wp-stubs.php over PHP's streams. Each test runs in a PHP process of its
 * own (the plugin's settings are constants, and it registers its hooks once), with the WordPress stubs, the
 * plugin loaded as configured by the test, and its own base URL on the stub. Prints one `ok`/`not ok` line per
 * test, then `# pass N` and `# fail N`; exits 1 when a test failed.
 */

require __DIR__ . '/harness.php';
require __DIR__ . '/gate.test.php';

if (isset($argv[1])) {
    exit(run_one($argv[1]));
}

$dir = sys_get_temp_dir() . '/factdesk-wp-gate-' . getmypid();
@mkdir($dir);
$port = free_port();
// The stub is stopped below; if this runner is killed first (pytest's timeout), `timeout` ends it.
$lifetime = is_executable('/usr/bin/timeout') ? ['/usr/bin/timeout', '300'] : [];
$server = proc_open([...$lifetime, PHP_BINARY, '-S', "127.0.0.1:$port", __DIR__ . '/gate-stub.php'],
    [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
    $pipes, null, ['FD_STUB_DIR' => $dir] + getenv());
$failed = 0;
$report = ''; // printed once the stub is stopped, so that a reader closing the pipe early cannot orphan it
try {
    wait_for_port($port);
    $n = 0;
    foreach (array_keys($GLOBALS['tests']) as $name) {
        $child = proc_open([PHP_BINARY, __FILE__, $name], [1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes, null,
            ['FD_STUB_URL' => "http://127.0.0.1:$port", 'FD_STUB_DIR' => $dir] + getenv());
        $out = stream_get_contents($pipes[1]);
        $ok = proc_close($child) === 0;
        $failed += $ok ? 0 : 1;
        $report .= sprintf("%s %d - %s\n", $ok ? 'ok' : 'not ok', ++$n, str_replace('_', ' ', $name))
            . ($ok ? '' : preg_replace('/^/m', '  # ', rtrim($out)) . "\n");
    }
    $report .= sprintf("# pass %d\n# fail %d\n", $n - $failed, $failed);
} finally {
    proc_terminate($server);
    proc_close($server);
    array_map('unlink', glob("$dir/*"));
    @rmdir($dir);
    echo $report;
}
exit($failed ? 1 : 0);
