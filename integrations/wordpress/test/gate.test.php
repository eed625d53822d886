<?php
/**
 * The plugin against a real HTTP stub of factdesk's gate (gate-stub.php, reached through wp_remote_get over PHP
 * streams) inside a stubbed WordPress (wp-stubs.php). Run: php integrations/wordpress/test/run.php
 */

const TEXT = '<p>The council voted 7-2 to raise the budget by 4.2%.</p>';
const SAVED_AT = '2026-11-28 14:00:00'; // post_modified_gmt of the save factdesk received
const CLOSED = ['publishable' => false, 'reason' => 'not_approved', 'blockers' => [12, 13], 'draft_id' => 5,
                'content_hash' => 'abc', 'revision' => 2];
const OPEN = ['publishable' => true, 'reason' => 'approved', 'blockers' => [], 'draft_id' => 5];

/** Post 42 as factdesk last received it (WP Webhooks sent this save). */
function saved_post(string $status = 'draft', string $content = TEXT): int
{
    FakeWp::$posts[42] = new WP_Post(['ID' => 42, 'post_status' => $status, 'post_title' => 'Budget',
        'post_content' => $content, 'post_date_gmt' => SAVED_AT, 'post_modified_gmt' => SAVED_AT]);
    return 42;
}

/** The classic editor's Publish button: the form (its text, slashed as $_POST is) saved with status publish. */
function editor_publish(int $id, string $content = TEXT, array $more = []): void
{
    wp_update_post(wp_slash(['ID' => $id, 'post_status' => 'publish', 'post_content' => $content] + $more));
}

function status_of(int $id): string
{
    return get_post($id)->post_status;
}

/** The editor's notice on the next admin page, as the admin_notices hook prints it. */
function next_notice(): string
{
    ob_start();
    do_action('admin_notices');
    return (string) ob_get_clean();
}

test('an_approved_post_is_published', function () {
    load_plugin();
    gate_answers(200, OPEN);
    editor_publish(saved_post());
    assert_same('publish', status_of(42), 'status');
    assert_same('', next_notice(), 'notice');
    $asked = gate_requests();
    assert_same(1, count($asked), 'gate requests');
    assert_same('GET', $asked[0]['method'], 'method');
    assert_same('/api/v1/integrations/wordpress/documents/42/gate?source_version=2026-11-28%2014%3A00%3A00',
        $asked[0]['uri'], 'the gate asked about the version factdesk received');
    assert_same('Bearer fd_test', $asked[0]['authorization'], 'token');
    assert_same('application/json', $asked[0]['accept'], 'accept');
    assert_same(2, FakeWp::$http[0]['args']['timeout'], 'timeout (s): the editor waits on it');
    assert_same(0, FakeWp::$http[0]['args']['redirection'], 'redirects: the token goes to FACTDESK_URL only');
});

test('an_unapproved_post_stays_a_draft_with_its_blockers_in_the_notice', function () {
    load_plugin();
    gate_answers(200, CLOSED);
    editor_publish(saved_post());
    assert_same('draft', status_of(42), 'status');
    assert_same(TEXT, get_post(42)->post_content, 'the text is kept');
    $notice = next_notice();
    assert_match('#^<div class="notice notice-error"><p>factdesk: not cleared for publication: an editor has not '
        . 'approved this text\. Claims blocking it: 12, 13\. See http://127\.0\.0\.1:\d+/\w+/desk/drafts/5\.</p>'
        . '</div>$#', $notice, 'notice');
    assert_same('', next_notice(), 'the notice is shown once');
});

test('the_classic_editor_does_not_say_published_when_the_post_stayed_a_draft', function () {
    load_plugin();
    gate_answers(200, CLOSED);
    editor_publish(saved_post());
    assert_match('/[?&]message=10(&|$)/', redirect_post_after_publish(42), '"Post draft updated."');
    gate_answers(200, OPEN);
    editor_publish(saved_post());
    assert_match('/[?&]message=6(&|$)/', redirect_post_after_publish(42), '"Post published."');
});

test('each_closed_reason_is_explained', function () {
    load_plugin();
    $phrases = ['blockers' => 'claims in this text have blocking verdicts',
                'not_current' => 'factdesk has not checked this version of the text yet',
                'pending_save' => 'factdesk is still receiving the latest save',
                'a_new_reason' => 'not cleared for publication: a_new_reason'];
    foreach ($phrases as $reason => $phrase) {
        gate_answers(200, ['publishable' => false, 'reason' => $reason, 'blockers' => []] + CLOSED);
        editor_publish(saved_post());
        assert_same('draft', status_of(42), "status ($reason)");
        assert_match('#' . preg_quote($phrase, '#') . '#', next_notice(), "notice ($reason)");
    }
});

test('a_post_factdesk_never_received_stays_a_draft', function () {
    load_plugin();
    gate_answers(404, ['code' => 'not_found', 'message' => 'no draft of document']);
    editor_publish(saved_post());
    assert_same('draft', status_of(42), 'status');
    assert_match('/factdesk has never received this post/', next_notice(), 'notice');
});

test('scheduling_a_post_whose_gate_is_closed_keeps_it_a_draft', function () {
    load_plugin();
    gate_answers(200, CLOSED);
    editor_publish(saved_post(), TEXT, ['post_date_gmt' => '2026-12-01 06:00:00']);
    assert_same('draft', status_of(42), 'status');
    assert_match('/an editor has not approved this text/', next_notice(), 'notice');
    gate_answers(200, OPEN);
    editor_publish(saved_post(), TEXT, ['post_date_gmt' => '2026-12-01 06:00:00']);
    assert_same('future', status_of(42), 'status once approved');
});

test('a_scheduled_post_that_fires_while_the_gate_is_closed_goes_back_to_draft', function () {
    load_plugin();
    gate_answers(200, CLOSED); // approved when scheduled; a verdict since blocks it
    saved_post('future');
    wp_publish_post(42);
    assert_same('draft', status_of(42), 'status');
    assert_same('/api/v1/integrations/wordpress/documents/42/gate?source_version=2026-11-28%2014%3A00%3A00',
        gate_requests()[0]['uri'], 'asked about the scheduled version');
    assert_match('/post 42 .*back to draft.*an editor has not approved this text/', logged(),
        'logged (no editor is there to be told)');
});

test('a_scheduled_post_that_fires_while_the_gate_is_open_goes_out', function () {
    load_plugin();
    gate_answers(200, OPEN);
    saved_post('future');
    wp_publish_post(42);
    assert_same('publish', status_of(42), 'status');
    assert_same(1, count(gate_requests()), 'gate requests');
});

test('a_rest_publish_is_refused_with_the_message', function () {
    load_plugin();
    gate_answers(200, CLOSED);
    $answer = rest_save_post('post', ['id' => saved_post(), 'status' => 'publish', 'content' => TEXT]);
    assert_same(true, is_wp_error($answer), 'refused');
    assert_same('factdesk_gate_closed', $answer->get_error_code(), 'error code');
    assert_same(['status' => 403], $answer->get_error_data(), 'HTTP status');
    assert_match('/not approved this text\. Claims blocking it: 12, 13\./', $answer->get_error_message(), 'message');
    assert_same('draft', status_of(42), 'status');
});

test('a_rest_publish_of_an_approved_post_goes_through', function () {
    load_plugin();
    gate_answers(200, OPEN);
    $answer = rest_save_post('post', ['id' => saved_post(), 'status' => 'publish', 'content' => TEXT]);
    assert_same(42, $answer, 'saved');
    assert_same('publish', status_of(42), 'status');
    assert_same(1, count(gate_requests()), 'the gate is asked once per save');
    gate_answers(200, CLOSED);
    editor_publish(saved_post());
    assert_same('draft', status_of(42), 'the next save (not REST) asks the gate again');
});

test('a_rest_publish_of_a_page_is_gated_too', function () {
    load_plugin();
    gate_answers(200, CLOSED);
    saved_post();
    FakeWp::$posts[42]->post_type = 'page';
    assert_same(true, is_wp_error(rest_save_post('page', ['id' => 42, 'status' => 'publish'])), 'refused');
});

test('a_text_written_and_published_in_one_save_is_refused_without_asking', function () {
    load_plugin();
    gate_answers(200, OPEN);
    editor_publish(saved_post(), TEXT . '<p>A late addition.</p>');
    assert_same('draft', status_of(42), 'status');
    assert_match('/this save changes the text/', next_notice(), 'notice');
    $answer = rest_save_post('post', ['status' => 'publish', 'content' => TEXT]);
    assert_match('/a new post cannot be published before factdesk has checked it/',
        is_wp_error($answer) ? $answer->get_error_message() : null, 'a REST create that publishes');
    assert_same([], gate_requests(), 'gate requests');
});

test('a_text_with_quotes_and_backslashes_is_the_same_text', function () {
    load_plugin();
    gate_answers(200, OPEN);
    $text = '<p>"It\'s a 4.2% rise," she said. C:\\budget</p>';
    editor_publish(saved_post('draft', $text), $text);
    assert_same('publish', status_of(42), 'status');
});

test('saves_that_do_not_publish_never_ask_the_gate', function () {
    load_plugin();
    gate_answers(500, ['code' => 'must not be asked']);
    $id = saved_post();
    wp_update_post(wp_slash(['ID' => $id, 'post_content' => TEXT . '<p>More.</p>']));
    wp_update_post(['ID' => $id, 'post_status' => 'pending']);
    wp_update_post(['ID' => $id, 'post_status' => 'private']);
    rest_save_post('post', ['id' => $id, 'content' => TEXT]);
    wp_insert_post(['post_type' => 'attachment', 'post_status' => 'publish']);
    wp_insert_post(['post_type' => 'product', 'post_status' => 'publish']);
    assert_same('private', status_of(42), 'status');
    assert_same([], gate_requests(), 'gate requests');
});

test('an_edit_of_a_live_post_keeps_it_live', function () {
    // Taking a live article down because an editor fixed a typo, or because it predates factdesk (404), is not
    // what a newsroom wants: the edit is a publication, which factdesk reports (WP Webhooks' post_update).
    load_plugin();
    gate_answers(404, ['code' => 'not_found']);
    editor_publish(saved_post('publish'), TEXT . '<p>Correction: 7-2, not 6-3.</p>');
    assert_same('publish', status_of(42), 'status after the editor');
    wp_update_post(wp_slash(['ID' => 42, 'post_title' => 'Budget rise'])); // quick edit
    assert_same('publish', status_of(42), 'status after quick edit');
    assert_same(42, rest_save_post('post', ['id' => 42, 'status' => 'publish', 'content' => TEXT]), 'REST update');
    assert_same('publish', status_of(42), 'status after REST');
    assert_same('', next_notice(), 'notice');
});

test('factdesk_unreachable_refuses_when_failing_closed', function () {
    load_plugin('closed', 'http://127.0.0.1:' . free_port());
    editor_publish(saved_post());
    assert_same('draft', status_of(42), 'status');
    assert_match('/the publish gate could not be asked, so the post stays a draft: factdesk could not be reached '
        . '\(.*Connection refused/', next_notice(), 'notice');
});

test('factdesk_failing_refuses_when_failing_closed_which_is_the_default', function () {
    load_plugin();
    $failures = [[503, ['code' => 'unavailable']], [502, '<html>Bad gateway</html>'], [200, 'not json']];
    foreach ($failures as [$status, $body]) {
        gate_answers($status, $body);
        editor_publish(saved_post());
        assert_same('draft', status_of(42), "status ($status)");
        assert_match("/could not be asked.*factdesk answered HTTP $status/", next_notice(), "notice ($status)");
    }
    gate_answers(503, ['code' => 'unavailable']);
    saved_post('future');
    wp_publish_post(42);
    assert_same('draft', status_of(42), 'a scheduled post');
});

test('factdesk_unreachable_publishes_and_logs_when_failing_open', function () {
    load_plugin('open', 'http://127.0.0.1:' . free_port());
    editor_publish(saved_post());
    assert_same('publish', status_of(42), 'status');
    assert_same('', next_notice(), 'notice');
    assert_match('/factdesk: post 42 published without the gate \(FACTDESK_FAIL_MODE open\): factdesk could not be '
        . 'reached/', logged(), 'log');
});

test('factdesk_failing_publishes_and_logs_when_failing_open', function () {
    load_plugin('open');
    gate_answers(503, ['code' => 'unavailable']);
    $answer = rest_save_post('post', ['id' => saved_post(), 'status' => 'publish', 'content' => TEXT]);
    assert_same(42, $answer, 'REST publish');
    assert_same('publish', status_of(42), 'status');
    assert_match('/post 42 published without the gate .*factdesk answered HTTP 503/', logged(), 'log');
});

test('failing_open_still_refuses_what_factdesk_says_is_closed', function () {
    load_plugin('open');
    gate_answers(200, CLOSED);
    editor_publish(saved_post());
    assert_same('draft', status_of(42), 'status');
    assert_same('', logged(), 'log');
});
