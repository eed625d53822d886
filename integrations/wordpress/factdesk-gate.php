<?php
/**
 * Plugin Name: factdesk publish gate
 * Description: Keeps a post a draft while factdesk's gate is closed for it (never approved, edited since, or
 *              blocked), whichever way it is published: the editor, quick edit, the REST API, or a schedule.
 *              A post already live is left live when edited: factdesk reports that publication instead.
 * Version:     0.1.0
 * Requires PHP: 7.4
 *
 * Configure in wp-config.php:
 *   define('FACTDESK_URL', 'https://factdesk.example.org');
 *   define('FACTDESK_TOKEN', 'fd_...');          // an API token of a factdesk user (any role)
 *   define('FACTDESK_INTEGRATION', 'wordpress'); // the integration's name in factdesk
 *   define('FACTDESK_FAIL_MODE', 'closed');      // or 'open': publish when factdesk cannot answer
 */

if (!defined('ABSPATH')) {
    exit;
}

const FACTDESK_NOTICE = 'factdesk_gate_notice_';

/**
 * factdesk's gate for one post: ['publishable' => bool, 'reason' => ..., 'blockers' => [...], 'draft_id' => ...],
 * or ['unavailable' => why] when factdesk could not answer.
 */
function factdesk_ask_gate(int $post_id, ?string $version): array
{
    $url = rtrim(FACTDESK_URL, '/') . '/api/v1/integrations/' . rawurlencode(FACTDESK_INTEGRATION)
        . '/documents/' . $post_id . '/gate' . ($version ? '?source_version=' . rawurlencode($version) : '');
    $response = wp_remote_get($url, [
        'timeout' => 2,
        'redirection' => 0,
        'headers' => ['Authorization' => 'Bearer ' . FACTDESK_TOKEN, 'Accept' => 'application/json'],
    ]);
    if (is_wp_error($response)) {
        return ['unavailable' => 'factdesk could not be reached (' . $response->get_error_message() . ')'];
    }
    $status = (int) wp_remote_retrieve_response_code($response);
    if ($status === 404) {
        return ['publishable' => false, 'reason' => 'unknown_document', 'blockers' => []];
    }
    $answer = json_decode(wp_remote_retrieve_body($response), true);
    if ($status !== 200 || !is_array($answer)) {
        return ['unavailable' => 'factdesk answered HTTP ' . $status];
    }
    return $answer;
}

/** Why the post stays a draft, for the editor: the reason, the blocking claims, where to look. Null: publish. */
function factdesk_refusal(int $post_id, ?string $version): ?string
{
    $answer = factdesk_ask_gate($post_id, $version);
    if (isset($answer['unavailable'])) {
        if (defined('FACTDESK_FAIL_MODE') && FACTDESK_FAIL_MODE === 'open') {
            // The editor is told nothing: leave a trace beside factdesk's own report of this publication.
            error_log("factdesk: post $post_id published without the gate (FACTDESK_FAIL_MODE open): "
                . $answer['unavailable']);
            return null;
        }
        return 'factdesk: the publish gate could not be asked, so the post stays a draft: ' . $answer['unavailable'];
    }
    if (!empty($answer['publishable'])) {
        return null;
    }
    $why = [
        'not_approved' => 'an editor has not approved this text',
        'blockers' => 'claims in this text have blocking verdicts',
        'not_current' => 'factdesk has not checked this version of the text yet',
        'pending_save' => 'factdesk is still receiving the latest save',
        'unknown_document' => 'factdesk has never received this post',
    ][$answer['reason'] ?? ''] ?? (string) ($answer['reason'] ?? 'closed');
    $message = 'factdesk: not cleared for publication: ' . $why . '.';
    if (!empty($answer['blockers'])) {
        $message .= ' Claims blocking it: ' . implode(', ', array_map('intval', $answer['blockers'])) . '.';
    }
    if (!empty($answer['draft_id'])) {
        $message .= ' See ' . rtrim(FACTDESK_URL, '/') . '/desk/drafts/' . (int) $answer['draft_id'] . '.';
    }
    return $message;
}

/** Why this publish (or schedule) must not happen; null when it may. $content is the text being written. */
function factdesk_publish_refusal(int $post_id, string $content): ?string
{
    $stored = $post_id ? get_post($post_id) : null;
    if (!$stored) {
        return 'factdesk: a new post cannot be published before factdesk has checked it; save it as a draft first.';
    }
    if ($stored->post_status === 'publish') {
        // Already live: refusing would take the article down (for a typo fix, or because it predates factdesk).
        // Its edits are publications, which factdesk reports when unapproved (from WP Webhooks' post_update).
        return null;
    }
    if ($content !== $stored->post_content) {
        return 'factdesk: this save changes the text; save it as a draft, let factdesk check it, then publish.';
    }
    return factdesk_refusal($post_id, $stored->post_modified_gmt);
}

function factdesk_gated(string $status, string $type): bool
{
    return in_array($status, ['publish', 'future'], true) && in_array($type, ['post', 'page'], true);
}

/**
 * Every save (classic editor, quick edit, REST, XML-RPC) passes here before it is written: a publish (or
 * schedule) of text factdesk has not cleared is written as a draft instead, and the editor told why.
 */
add_filter('wp_insert_post_data', function (array $data, array $postarr) {
    $cleared = $GLOBALS['factdesk_rest_cleared'] ?? null;
    $GLOBALS['factdesk_rest_cleared'] = null;
    if (!factdesk_gated($data['post_status'], $data['post_type'])) {
        return $data;
    }
    $post_id = (int) ($postarr['ID'] ?? 0);
    $content = wp_unslash($data['post_content']);
    if ($cleared === [$post_id, $content]) {
        return $data; // the REST filter just asked the gate about this very save
    }
    $refusal = factdesk_publish_refusal($post_id, $content);
    if ($refusal !== null) {
        $data['post_status'] = 'draft';
        set_transient(FACTDESK_NOTICE . get_current_user_id(), $refusal, 60);
    }
    return $data;
}, 10, 2);

/** The block editor publishes through REST: refuse there with the message, which the editor shows at once. */
foreach (['post', 'page'] as $factdesk_type) {
    add_filter("rest_pre_insert_{$factdesk_type}", function ($prepared, WP_REST_Request $request) {
        $status = $prepared->post_status ?? null;
        $post_id = (int) ($prepared->ID ?? 0);
        if (!$status || !factdesk_gated($status, $prepared->post_type ?? get_post_type($post_id) ?: 'post')) {
            return $prepared;
        }
        $content = (string) ($prepared->post_content ?? ($post_id ? get_post($post_id)->post_content : ''));
        $refusal = factdesk_publish_refusal($post_id, $content); // REST data is not slashed
        if ($refusal !== null) {
            return new WP_Error('factdesk_gate_closed', $refusal, ['status' => 403]);
        }
        // The save goes on through wp_insert_post_data: it need not ask the gate a second time.
        $GLOBALS['factdesk_rest_cleared'] = [$post_id, $content];
        return $prepared;
    }, 10, 2);
}

/**
 * A scheduled post goes out through wp_publish_post, which does not pass wp_insert_post_data: check it as it
 * turns from future to publish, and put it back to draft when the gate is closed (the factdesk webhook reports
 * the moment it was out).
 */
add_action('transition_post_status', function (string $new, string $old, WP_Post $post) {
    if ($new !== 'publish' || $old !== 'future' || !in_array($post->post_type, ['post', 'page'], true)) {
        return;
    }
    $refusal = factdesk_refusal((int) $post->ID, $post->post_modified_gmt);
    if ($refusal !== null) {
        wp_update_post(['ID' => $post->ID, 'post_status' => 'draft']);
        // Cron runs this: no editor is there to see a notice.
        error_log("factdesk: scheduled post {$post->ID} put back to draft: $refusal");
    }
}, 10, 3);

/**
 * After the classic editor's Publish button WordPress says "Post published." whatever the status, unless it is
 * pending or scheduled: for a post this plugin kept a draft, say "Post draft updated." beside the notice.
 */
add_filter('redirect_post_location', function (string $location, $post_id) {
    if (get_post_status((int) $post_id) !== 'draft' || !preg_match('/[?&]message=6(&|$)/', $location)) {
        return $location;
    }
    return add_query_arg('message', 10, $location);
}, 10, 2);

/** Tell the editor why the post is still a draft. */
add_action('admin_notices', function () {
    $key = FACTDESK_NOTICE . get_current_user_id();
    $message = get_transient($key);
    if ($message) {
        delete_transient($key);
        printf('<div class="notice notice-error"><p>%s</p></div>', esc_html($message));
    }
});
