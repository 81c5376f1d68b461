<?php
/*
 * Plugin Name: Fireside test site
 * Description: Must-use plugin of the integration-test site. WordPress refuses a second
 * comment from the same commenter within 15 seconds ("comment_flood"); the tests have
 * several commenters write in quick succession, so the check is off unless the option
 * fireside_test_flood is set (the test of the flood answer sets it).
 */
add_filter(
    'comment_flood_filter',
    function ($flood) {
        return $flood && get_option('fireside_test_flood');
    },
    20
);

/*
 * A comment with the meta fireside_test_mangle (a JSON object) goes out of the REST API
 * with those fields replaced, as a broken plugin or proxy would send it: a test's way to
 * put a malformed comment in front of Fireside (WordPress itself never sends one).
 */
add_filter(
    'rest_prepare_comment',
    function ($response, $comment) {
        $change = get_comment_meta($comment->comment_ID, 'fireside_test_mangle', true);
        if (!$change) {
            return $response;
        }
        $data = $response->get_data();
        foreach (json_decode($change, true) as $key => $value) {
            $data[$key] = $value;
        }
        $response->set_data($data);
        return $response;
    },
    20,
    2
);
