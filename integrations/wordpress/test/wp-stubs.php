<?php
/**
 * The parts of WordPress the plugin touches, in memory, so that the plugin runs as WordPress would run it:
 *  - hooks: add_filter/add_action keep the callback and its accepted_args, and apply_filters/do_action pass it
 *    no more arguments than that, as WordPress does;
 *  - posts, transients, the current user;
 *  - the three ways a post gets published, reduced to the hooks they fire and what they pass (WordPress 6.x,
 *    wp-includes/post.php and class-wp-rest-posts-controller.php):
 *    wp_insert_post/wp_update_post (the editor, quick and bulk edit, XML-RPC, and REST's write):
 *      'wp_insert_post_data' with the slashed $data (a publish dated in the future already turned into
 *      'future'), then the write, then 'transition_post_status';
 *    wp_publish_post (cron's scheduled publish): the status written directly, no 'wp_insert_post_data', then
 *      'transition_post_status' from 'future';
 *    redirect_post_after_publish: where the classic editor's Publish button lands, with its message;
 *    rest_save_post (the REST controller's create/update, which the block editor uses): the prepared post,
 *      unslashed, with post_status only when the request changes it, through 'rest_pre_insert_{type}', then
 *      wp_insert_post/wp_update_post;
 *  - wp_remote_get: a real HTTP GET over PHP's streams (to the stub of the gate, gate-stub.php), answering
 *    WordPress's response array, or a WP_Error when nothing answered.
 */

define('ABSPATH', __DIR__ . '/');

final class FakeWp
{
    /** @var array<string, list<array{0: callable, 1: int}>> */
    public static array $hooks = [];
    /** @var array<int, WP_Post> */
    public static array $posts = [];
    /** @var array<string, mixed> */
    public static array $transients = [];
    /** @var list<array{url: string, args: array}> every wp_remote_get the plugin made */
    public static array $http = [];
    public static int $user = 7;
    public static int $clock = 1795874400; // 2026-11-28 14:00:00 UTC; each write is one second later

    public static function now(): string
    {
        return gmdate('Y-m-d H:i:s', self::$clock);
    }
}

final class WP_Error
{
    public function __construct(private string $code = '', private string $message = '', private mixed $data = '')
    {
    }

    public function get_error_code(): string
    {
        return $this->code;
    }

    public function get_error_message(): string
    {
        return $this->message;
    }

    public function get_error_data(): mixed
    {
        return $this->data;
    }
}

final class WP_Post
{
    public int $ID = 0;
    public string $post_type = 'post';
    public string $post_status = 'draft';
    public string $post_title = '';
    public string $post_content = '';
    public string $post_date_gmt = '0000-00-00 00:00:00';
    public string $post_modified_gmt = '0000-00-00 00:00:00';

    public function __construct(array $fields)
    {
        foreach ($fields as $field => $value) {
            if (property_exists($this, $field)) {
                $this->$field = $value;
            }
        }
    }
}

final class WP_REST_Request
{
    public function __construct(public string $method, public string $route, public array $params = [])
    {
    }
}

function add_filter(string $hook, callable $callback, int $priority = 10, int $accepted_args = 1): bool
{
    FakeWp::$hooks[$hook][] = [$callback, $accepted_args];
    return true;
}

function add_action(string $hook, callable $callback, int $priority = 10, int $accepted_args = 1): bool
{
    return add_filter($hook, $callback, $priority, $accepted_args);
}

function apply_filters(string $hook, mixed $value, mixed ...$args): mixed
{
    foreach (FakeWp::$hooks[$hook] ?? [] as [$callback, $accepted]) {
        $value = $callback(...array_slice([$value, ...$args], 0, $accepted));
    }
    return $value;
}

function do_action(string $hook, mixed ...$args): void
{
    foreach (FakeWp::$hooks[$hook] ?? [] as [$callback, $accepted]) {
        $callback(...array_slice($args, 0, $accepted));
    }
}

function wp_slash(mixed $value): mixed
{
    return is_array($value) ? array_map('wp_slash', $value) : (is_string($value) ? addslashes($value) : $value);
}

function wp_unslash(mixed $value): mixed
{
    return is_array($value) ? array_map('wp_unslash', $value) : (is_string($value) ? stripslashes($value) : $value);
}

function get_post(int $id): ?WP_Post
{
    return isset(FakeWp::$posts[$id]) ? clone FakeWp::$posts[$id] : null;
}

function get_post_type(int $id): string|false
{
    return isset(FakeWp::$posts[$id]) ? FakeWp::$posts[$id]->post_type : false;
}

/** $postarr slashed, as WordPress expects an array. */
function wp_insert_post(array $postarr): int
{
    $id = (int) ($postarr['ID'] ?? 0);
    $before = $id ? get_post($id) : null;
    FakeWp::$clock++;
    $data = [
        'post_type' => $postarr['post_type'] ?? 'post',
        'post_status' => $postarr['post_status'] ?? 'draft',
        'post_title' => $postarr['post_title'] ?? '',
        'post_content' => $postarr['post_content'] ?? '',
        'post_date_gmt' => $postarr['post_date_gmt'] ?? FakeWp::now(),
        'post_modified_gmt' => FakeWp::now(),
    ];
    if ($data['post_status'] === 'publish' && $data['post_date_gmt'] > FakeWp::now()) {
        $data['post_status'] = 'future';
    }
    $data = wp_unslash(apply_filters('wp_insert_post_data', $data, $postarr, $postarr, $before !== null));
    $id = $id ?: max([0, ...array_keys(FakeWp::$posts)]) + 1;
    FakeWp::$posts[$id] = new WP_Post(['ID' => $id] + $data);
    do_action('transition_post_status', $data['post_status'], $before->post_status ?? 'new', get_post($id));
    return $id;
}

function wp_update_post(array $postarr): int
{
    $stored = get_post((int) ($postarr['ID'] ?? 0));
    return $stored ? wp_insert_post(array_merge(wp_slash(get_object_vars($stored)), $postarr)) : 0;
}

function wp_publish_post(int $id): void
{
    $post = get_post($id);
    if (!$post || $post->post_status === 'publish') {
        return;
    }
    $old = $post->post_status;
    FakeWp::$posts[$id]->post_status = $post->post_status = 'publish';
    do_action('transition_post_status', 'publish', $old, $post);
}

/** The REST controller's create (no 'id') or update of a post of $type with the request's $params. */
function rest_save_post(string $type, array $params): int|WP_Error
{
    $id = isset($params['id']) ? (int) $params['id'] : null;
    $request = new WP_REST_Request('POST', "/wp/v2/{$type}s" . ($id ? "/$id" : ''), $params);
    $prepared = new stdClass();
    if ($id) {
        $prepared->ID = $id;
        $prepared->post_type = get_post_type($id);
    } else {
        $prepared->post_type = $type;
    }
    if (isset($params['status']) && (!$id || get_post($id)->post_status !== $params['status'])) {
        $prepared->post_status = $params['status'];
    }
    if (isset($params['content'])) {
        $prepared->post_content = $params['content'];
    }
    $prepared = apply_filters("rest_pre_insert_{$type}", $prepared, $request);
    if (is_wp_error($prepared)) {
        return $prepared;
    }
    $postarr = wp_slash(get_object_vars($prepared));
    return $id ? wp_update_post($postarr) : wp_insert_post($postarr);
}

/**
 * Where wp-admin/post.php sends the editor after the classic editor's Publish button (redirect_post): message 6
 * is "Post published.", 8 "Post submitted.", 9 "Post scheduled.", 10 "Post draft updated.".
 */
function redirect_post_after_publish(int $id): string
{
    $message = ['pending' => 8, 'future' => 9][get_post_status($id)] ?? 6;
    $location = add_query_arg('message', $message, "https://news.example/wp-admin/post.php?post=$id&action=edit");
    return apply_filters('redirect_post_location', $location, $id);
}

function get_post_status(int $id): string|false
{
    return isset(FakeWp::$posts[$id]) ? FakeWp::$posts[$id]->post_status : false;
}

/** The (key, value, url) form: sets or replaces one query argument. */
function add_query_arg(string $key, mixed $value, string $url): string
{
    [$base, $query] = array_pad(explode('?', $url, 2), 2, '');
    parse_str($query, $args);
    $args[$key] = (string) $value;
    return $base . '?' . http_build_query($args);
}

function set_transient(string $key, mixed $value, int $expiration = 0): bool
{
    FakeWp::$transients[$key] = $value;
    return true;
}

function get_transient(string $key): mixed
{
    return FakeWp::$transients[$key] ?? false;
}

function delete_transient(string $key): bool
{
    unset(FakeWp::$transients[$key]);
    return true;
}

function get_current_user_id(): int
{
    return FakeWp::$user;
}

function esc_html(string $text): string
{
    return htmlspecialchars($text, ENT_QUOTES, 'UTF-8');
}

function is_wp_error(mixed $thing): bool
{
    return $thing instanceof WP_Error;
}

function wp_remote_get(string $url, array $args = []): array|WP_Error
{
    FakeWp::$http[] = ['url' => $url, 'args' => $args];
    $headers = [];
    foreach ($args['headers'] ?? [] as $name => $value) {
        $headers[] = "$name: $value";
    }
    $redirects = (int) ($args['redirection'] ?? 5);
    $context = stream_context_create(['http' => [
        'method' => 'GET',
        'header' => implode("\r\n", $headers),
        'timeout' => (float) ($args['timeout'] ?? 5),
        'ignore_errors' => true, // a 4xx/5xx is an answer, as in WordPress
        'follow_location' => $redirects > 0 ? 1 : 0,
        'max_redirects' => max(1, $redirects),
    ]]);
    error_clear_last();
    $body = @file_get_contents($url, false, $context);
    if ($body === false) {
        return new WP_Error('http_request_failed', error_get_last()['message'] ?? 'the request failed');
    }
    $status = preg_match('#^HTTP/\S+ (\d{3})#', $http_response_header[0] ?? '', $m) ? (int) $m[1] : 0;
    return ['headers' => array_slice($http_response_header, 1), 'body' => $body,
            'response' => ['code' => $status, 'message' => '']];
}

function wp_remote_retrieve_response_code(array|WP_Error $response): int|string
{
    return is_wp_error($response) ? '' : ($response['response']['code'] ?? '');
}

function wp_remote_retrieve_body(array|WP_Error $response): string
{
    return is_wp_error($response) ? '' : ($response['body'] ?? '');
}
