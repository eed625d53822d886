<?php
/**
 * The factdesk gate endpoint as a router for PHP's built-in server (`php -S host:port gate-stub.php`), started by
 * run.php. Each test gets its own base URL, http://host:port/<test>/: the stub answers with what the test wrote
 * to <FD_STUB_DIR>/<test>.answer.json ({"status", "body"}) and appends every request it got (path and query, the
 * Authorization and Accept headers) to <test>.requests.jsonl, for the test to read back.
 */
$dir = getenv('FD_STUB_DIR');
$uri = $_SERVER['REQUEST_URI'];
if (!preg_match('#^/([A-Za-z0-9_]+)(/.*)$#', $uri, $m)) {
    http_response_code(400);
    return;
}
[, $test, $rest] = $m;
$headers = array_change_key_case(getallheaders(), CASE_LOWER);
file_put_contents("$dir/$test.requests.jsonl", json_encode([
    'method' => $_SERVER['REQUEST_METHOD'],
    'uri' => $rest,
    'authorization' => $headers['authorization'] ?? null,
    'accept' => $headers['accept'] ?? null,
]) . "\n", FILE_APPEND);
$answer = json_decode((string) @file_get_contents("$dir/$test.answer.json"), true)
    ?? ['status' => 500, 'body' => ['code' => 'the test wrote no answer']];
http_response_code($answer['status']);
header('Content-Type: application/json');
echo is_string($answer['body']) ? $answer['body'] : json_encode($answer['body']);
