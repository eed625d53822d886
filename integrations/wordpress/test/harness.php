<?php
/** What the tests share: assertions, the plugin loaded as a test configures it, the gate stub's answers. */

final class Failed extends Exception
{
}

$GLOBALS['tests'] = [];

function test(string $name, callable $body): void
{
    $GLOBALS['tests'][$name] = $body;
}

function run_one(string $name): int
{
    $GLOBALS['test_name'] = $name;
    require_once __DIR__ . '/wp-stubs.php';
    // A warning in the plugin (a property of null, an undefined key) is a failure, not a line on stderr.
    set_error_handler(function (int $level, string $message, string $file, int $line): bool {
        if (!(error_reporting() & $level)) {
            return false; // silenced with @, as wp_remote_get's stream read is
        }
        throw new ErrorException($message, 0, $level, $file, $line);
    });
    try {
        ($GLOBALS['tests'][$name] ?? throw new Failed("no test named $name"))();
        return 0;
    } catch (Throwable $error) {
        fwrite(STDERR, get_class($error) . ': ' . $error->getMessage() . "\n" . $error->getTraceAsString() . "\n");
        return 1;
    }
}

function assert_same(mixed $expected, mixed $actual, string $what): void
{
    if ($expected !== $actual) {
        throw new Failed("$what: expected " . var_export($expected, true) . ', got ' . var_export($actual, true));
    }
}

function assert_match(string $pattern, mixed $actual, string $what): void
{
    if (!is_string($actual) || !preg_match($pattern, $actual)) {
        throw new Failed("$what: expected a match of $pattern, got " . var_export($actual, true));
    }
}

/**
 * Loads the plugin as wp-config.php would configure it: the stub's URL for this test (or $url), token fd_test,
 * integration "wordpress", and FACTDESK_FAIL_MODE when given. PHP's error log goes to a file, read back by
 * logged().
 */
function load_plugin(?string $fail_mode = null, ?string $url = null): void
{
    define('FACTDESK_URL', $url ?? getenv('FD_STUB_URL') . '/' . $GLOBALS['test_name']);
    define('FACTDESK_TOKEN', 'fd_test');
    define('FACTDESK_INTEGRATION', 'wordpress');
    if ($fail_mode !== null) {
        define('FACTDESK_FAIL_MODE', $fail_mode);
    }
    ini_set('error_log', stub_file('log'));
    require __DIR__ . '/../factdesk-gate.php';
}

/** This test's file $suffix in the directory it shares with the gate stub (see gate-stub.php). */
function stub_file(string $suffix): string
{
    return getenv('FD_STUB_DIR') . '/' . $GLOBALS['test_name'] . '.' . $suffix;
}

/** What the stub of factdesk answers to every gate request of this test. $body: JSON-encoded unless a string. */
function gate_answers(int $status, array|string $body): void
{
    file_put_contents(stub_file('answer.json'), json_encode(['status' => $status, 'body' => $body]));
}

/** The requests the stub received in this test: [{method, uri, authorization, accept}]. */
function gate_requests(): array
{
    $lines = @file(stub_file('requests.jsonl'), FILE_IGNORE_NEW_LINES) ?: [];
    return array_map(fn ($line) => json_decode($line, true), $lines);
}

/** What the plugin wrote to PHP's error log (WordPress's debug.log) in this test. */
function logged(): string
{
    return (string) @file_get_contents(stub_file('log'));
}

/** A port nothing listens on (taken from the kernel, then released). */
function free_port(): int
{
    $socket = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int) substr(strrchr(stream_socket_get_name($socket, false), ':'), 1);
    fclose($socket);
    return $port;
}

function wait_for_port(int $port): void
{
    for ($i = 0; $i < 100; $i++) {
        $connection = @fsockopen('127.0.0.1', $port, $errno, $errstr, 0.1);
        if ($connection) {
            fclose($connection);
            return;
        }
        usleep(50000);
    }
    throw new RuntimeException("the gate stub did not start on port $port");
}
