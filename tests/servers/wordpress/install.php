<?php
/*
 * Installs the integration-test site. Run with php-cli; stdin is JSON:
 *   {"dir": site dir, "url": site URL, "users": [{"login", "name", "email", "role"}]}
 * Prints JSON: [{"login", "id", "name", "role", "app_password"}] for the admin and
 * every user, each with a fresh Application Password.
 */
$fireside = json_decode(stream_get_contents(STDIN), true);
$fireside_url = parse_url($fireside['url']);
$_SERVER['HTTP_HOST'] = $fireside_url['host'] . ':' . $fireside_url['port'];
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
define('WP_INSTALLING', true);

/* Pluggable: defined first, so installing sends no mail. */
function wp_new_blog_notification() {
}

require $fireside['dir'] . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';

$fireside_admin_pass = wp_generate_password(24, false);
$fireside_installed = wp_install(
    'Fireside test site', 'admin', 'admin@example.test', true, '', $fireside_admin_pass
);
update_option('timezone_string', 'UTC');
update_option('gmt_offset', 0);
/* A commenter's first comment is approved at once (the default holds it for moderation). */
update_option('comment_previously_approved', 0);
update_option('comment_moderation', 0);
$wp_rewrite->set_permalink_structure('/%postname%/');
$wp_rewrite->flush_rules(false);

$fireside_people = [['login' => 'admin', 'id' => (int) $fireside_installed['user_id']]];
wp_update_user(['ID' => $fireside_installed['user_id'], 'display_name' => 'Site Admin']);
foreach ($fireside['users'] as $fireside_user) {
    $fireside_id = wp_insert_user([
        'user_login' => $fireside_user['login'],
        'user_pass' => wp_generate_password(24, false),
        'user_email' => $fireside_user['email'],
        'display_name' => $fireside_user['name'],
        'role' => $fireside_user['role'],
    ]);
    if (is_wp_error($fireside_id)) {
        fwrite(STDERR, $fireside_id->get_error_message() . "\n");
        exit(1);
    }
    $fireside_people[] = ['login' => $fireside_user['login'], 'id' => $fireside_id];
}
$fireside_out = [];
foreach ($fireside_people as $fireside_person) {
    $fireside_created = WP_Application_Passwords::create_new_application_password(
        $fireside_person['id'], ['name' => 'Fireside tests']
    );
    if (is_wp_error($fireside_created)) {
        fwrite(STDERR, $fireside_created->get_error_message() . "\n");
        exit(1);
    }
    $fireside_wp_user = get_userdata($fireside_person['id']);
    $fireside_out[] = [
        'login' => $fireside_person['login'],
        'id' => $fireside_person['id'],
        'name' => $fireside_wp_user->display_name,
        'role' => $fireside_wp_user->roles[0],
        'app_password' => $fireside_created[0],
    ];
}
echo json_encode($fireside_out);
