# Build the Fireside MSI on Windows with the WiX Toolset v3 (candle, then light), from the
# same fireside.wxs and the same harvest as the Linux build (build-msi.sh, wixl). This is the
# release build: light also runs the ICE validation, which nothing on Linux can.
#
#   pwsh packaging/windows/build-msi.ps1 -Payload dist\fireside -Version 1.2.3 -Out Fireside.msi
#
# -WixBin is the folder holding candle.exe and light.exe (default: on PATH). -Python must have
# PySide6 (for the icon), as the venv that built the bundle does.
# Suppressed ICEs, both false alarms for a dual-purpose (ALLUSERS=2) package: ICE38 and ICE43
# want the key path of a component in a per-user folder (the Start menu) under HKCU, and do
# not accept HKMU, which is HKCU whenever the install is per user.
param(
    [Parameter(Mandatory)] [string] $Payload,
    [Parameter(Mandatory)] [string] $Version,
    [Parameter(Mandatory)] [string] $Out,
    [string] $WixBin = '',
    [string] $Python = 'python'
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Invoke-Checked([string] $Program, [string[]] $Arguments) {
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program failed with exit code $LASTEXITCODE" }
}

if ($Version -notmatch '^\d{1,3}\.\d{1,3}\.\d{1,5}$') {
    throw "Version '$Version' is not X.Y.Z, which an MSI needs"
}
$here = $PSScriptRoot
$Payload = (Resolve-Path $Payload).Path
foreach ($exe in 'fireside.exe', 'fireside-gui.exe') {  # the CLI and the shortcut's windowed twin
    if (-not (Test-Path (Join-Path $Payload $exe))) { throw "$Payload\$exe is missing" }
}
$candle = if ($WixBin) { Join-Path $WixBin 'candle.exe' } else { 'candle.exe' }
$light = if ($WixBin) { Join-Path $WixBin 'light.exe' } else { 'light.exe' }

$work = Join-Path ([IO.Path]::GetTempPath()) ("fireside-msi-" + [guid]::NewGuid())
New-Item -ItemType Directory $work | Out-Null
try {
    Invoke-Checked $Python @("$here\harvest.py", $Payload, "$work\files.wxs")
    Invoke-Checked $Python @("$here\make_icon.py", "$work\fireside.ico")
    Invoke-Checked $candle @('-nologo', '-arch', 'x64', "-dVersion=$Version",
        "-dPayloadDir=$Payload", "-dIconFile=$work\fireside.ico", '-out', "$work\",
        "$here\fireside.wxs", "$work\files.wxs")
    New-Item -ItemType Directory -Force (Split-Path -Parent ([IO.Path]::GetFullPath($Out))) | Out-Null
    Invoke-Checked $light @('-nologo', '-sice:ICE38', '-sice:ICE43', '-out', $Out,
        "$work\fireside.wixobj", "$work\files.wixobj")
}
finally {
    Remove-Item -Recurse -Force $work
}
Write-Output $Out
