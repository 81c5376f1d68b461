<?php
/*
 * Router for PHP's built-in server (php -S ... router.php): real files are served as they
 * are; every other path runs WordPress's front controller, the way Apache's rewrite rules
 * would. Without it, REST paths that contain a dot answer 404.
 *
 * While the file .fireside-no-rewrites exists in the site dir, the router plays a web
 * server without rewrite rules: only real files and "/" reach WordPress, so /wp-json/
 * answers a plain 404 and the REST API is reachable only as /?rest_route=.
 */
$fireside_root = $_SERVER['DOCUMENT_ROOT'];
$fireside_path = urldecode((string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH));
if ($fireside_path !== '/' && is_file($fireside_root . $fireside_path)) {
    return false;
}
if ($fireside_path !== '/' && file_exists($fireside_root . '/.fireside-no-rewrites')) {
    http_response_code(404);
    header('Content-Type: text/html');
    echo '<html><body><h1>Not Found</h1></body></html>';
    return true;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $fireside_root . '/index.php';
require $fireside_root . '/index.php';
