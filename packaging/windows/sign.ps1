# Authenticode-sign files on Windows with signtool (SHA-256, RFC 3161 timestamp), then verify
# each with the Authenticode policy. The release signs fireside.exe before the MSI is built
# and the MSI after. On Linux, sign-linux.sh does the same with osslsigncode.
#
#   pwsh packaging/windows/sign.ps1 -TimestampUrl URL FILE...
#
# The key, one of (each parameter has an environment variable instead):
#   -CertificateThumbprint  FIRESIDE_SIGN_THUMBPRINT: a certificate in the CurrentUser\My
#                           store whose key may sit on a token or cloud HSM behind its KSP,
#                           as the CA rules now require for public code-signing keys;
#   -PfxFile                FIRESIDE_SIGN_PFX, password in FIRESIDE_SIGN_PFX_PASSWORD: put in
#                           the store for the signing only, so the password never reaches a
#                           command line;
#   -Dlib, -DlibMetadata    FIRESIDE_SIGN_DLIB, FIRESIDE_SIGN_DLIB_METADATA: a signing
#                           service's signtool plug-in (Azure Trusted Signing's
#                           Azure.CodeSigning.Dlib.dll and its metadata.json).
# -TimestampUrl (FIRESIDE_TIMESTAMP_URL) is required: without a timestamp the signature dies
# with the certificate. Key files must lie outside the repository.
param(
    [Parameter(Mandatory, ValueFromRemainingArguments)] [string[]] $Files,
    [string] $TimestampUrl = $env:FIRESIDE_TIMESTAMP_URL,
    [string] $CertificateThumbprint = $env:FIRESIDE_SIGN_THUMBPRINT,
    [string] $PfxFile = $env:FIRESIDE_SIGN_PFX,
    [string] $Dlib = $env:FIRESIDE_SIGN_DLIB,
    [string] $DlibMetadata = $env:FIRESIDE_SIGN_DLIB_METADATA,
    [string] $Description = 'Fireside'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Find-SignTool {
    $found = Get-Command signtool.exe -ErrorAction SilentlyContinue
    if ($found) { return $found.Source }
    $kits = Join-Path ${env:ProgramFiles(x86)} 'Windows Kits\10\bin'
    $newest = Get-ChildItem $kits -Directory -Filter '10.*' -ErrorAction SilentlyContinue |
        Sort-Object { [version]$_.Name } -Descending |
        ForEach-Object { Join-Path $_.FullName 'x64\signtool.exe' } |
        Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $newest) { throw 'signtool.exe not found: install the Windows SDK signing tools' }
    return $newest
}

function Assert-OutsideRepo([string] $Path) {
    $repo = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path.TrimEnd('\') + '\'
    $full = (Resolve-Path $Path).Path
    if ($full.StartsWith($repo, [StringComparison]::OrdinalIgnoreCase)) {
        throw "$Path is inside the repository: keep keys out of git"
    }
}

if (-not $TimestampUrl) { throw 'No timestamp server: pass -TimestampUrl or set FIRESIDE_TIMESTAMP_URL' }
$modes = @($CertificateThumbprint, $PfxFile, $Dlib) | Where-Object { $_ }
if (@($modes).Count -ne 1) {
    throw 'Give exactly one key: -CertificateThumbprint, -PfxFile or -Dlib (see the header)'
}
$signtool = Find-SignTool
$store = [Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
$imported = $null
try {
    if ($PfxFile) {
        Assert-OutsideRepo $PfxFile
        $imported = [Security.Cryptography.X509Certificates.X509Certificate2]::new(
            (Resolve-Path $PfxFile).Path, [string]$env:FIRESIDE_SIGN_PFX_PASSWORD,
            [Security.Cryptography.X509Certificates.X509KeyStorageFlags]'UserKeySet, PersistKeySet')
        $store.Open('ReadWrite')
        $store.Add($imported)
        $CertificateThumbprint = $imported.Thumbprint
    }
    $key = if ($Dlib) {
        Assert-OutsideRepo $DlibMetadata
        @('/dlib', $Dlib, '/dmdf', $DlibMetadata)
    } else {
        @('/sha1', $CertificateThumbprint, '/s', 'My')
    }
    foreach ($file in $Files) {
        & $signtool sign /fd SHA256 /tr $TimestampUrl /td SHA256 /d $Description @key $file
        if ($LASTEXITCODE -ne 0) { throw "signtool sign failed for $file" }
        & $signtool verify /pa /v $file
        if ($LASTEXITCODE -ne 0) { throw "the signature of $file does not verify" }
        Write-Output "signed and verified: $file"
    }
}
finally {
    if ($imported) { $store.Remove($imported) }
    $store.Close()
}
