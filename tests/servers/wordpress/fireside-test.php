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
