# Install, check and remove the MSI on a real Windows machine (the release runner), which
# Wine on Linux only approximates: the per-user default (ALLUSERS=2 MSIINSTALLPERUSER=1, into
# %LOCALAPPDATA%\Programs, policy under HKCU), a per-machine install (ALLUSERS=1, Program
# Files, HKLM), the policy values with their types (ACCOUNTS's JSON through msiexec's own
# quoting), the Start-menu shortcut (it must start the windowed fireside-gui.exe, so no
# console window opens), the Apps & features entry, the frozen fireside.exe itself (its
# version, and spell checking in US and British English), and a silent uninstall that
# leaves nothing behind. Run it elevated (a hosted runner is) on a machine without Fireside.
#
#   pwsh packaging/windows/smoke-test.ps1 -Msi build\windows\Fireside-1.2.3-x64.msi
param([Parameter(Mandatory)] [string] $Msi)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Msi = (Resolve-Path $Msi).Path
$policyKey = 'Software\Policies\Fireside'
$accounts = '[{"network":"wordpress","base_url":"https://blog.example.com","name":"Blog","tenant":""}]'

function Invoke-Msiexec([string] $Arguments) {
    $log = Join-Path ([IO.Path]::GetTempPath()) ("fireside-msiexec-" + [guid]::NewGuid() + '.log')
    $process = Start-Process msiexec.exe -ArgumentList "$Arguments /qn /norestart /l*v `"$log`"" `
        -Wait -PassThru
    if ($process.ExitCode -ne 0) {
        Get-Content $log -Tail 60
        throw "msiexec $Arguments exited with $($process.ExitCode) (log: $log)"
    }
}

function Assert-Equal($Expected, $Actual, [string] $What) {
    if ($Expected -ne $Actual) { throw "$What`: expected '$Expected', got '$Actual'" }
}

# Windows Installer's own registration, through its COM API (late bound: InvokeMember).
$installer = New-Object -ComObject WindowsInstaller.Installer
function Get-ComProperty($Object, [string] $Name, [object[]] $Arguments) {
    $Object.GetType().InvokeMember($Name, 'GetProperty', $null, $Object, $Arguments)
}
function Get-UpgradeCode {
    $database = $installer.GetType().InvokeMember('OpenDatabase', 'InvokeMethod', $null,
        $installer, @($Msi, 0))
    $view = $database.GetType().InvokeMember('OpenView', 'InvokeMethod', $null, $database,
        @("SELECT ``Value`` FROM ``Property`` WHERE ``Property`` = 'UpgradeCode'"))
    $view.GetType().InvokeMember('Execute', 'InvokeMethod', $null, $view, $null) | Out-Null
    $record = $view.GetType().InvokeMember('Fetch', 'InvokeMethod', $null, $view, $null)
    $code = Get-ComProperty $record 'StringData' @(1)
    $view.GetType().InvokeMember('Close', 'InvokeMethod', $null, $view, $null) | Out-Null
    foreach ($com in $record, $view, $database) {  # let msiexec have the file
        [Runtime.InteropServices.Marshal]::ReleaseComObject($com) | Out-Null
    }
    return $code
}
$upgradeCode = Get-UpgradeCode
function Get-InstalledCount {  # products of this family in Apps & features
    (Get-ComProperty $installer 'RelatedProducts' @($upgradeCode)).Count
}

function Get-Policy([string] $Hive) {
    $base = [Microsoft.Win32.RegistryKey]::OpenBaseKey($Hive, 'Registry64')
    $key = $base.OpenSubKey($policyKey)
    if (-not $key) { return $null }
    $values = @{}
    foreach ($name in $key.GetValueNames()) {
        $values[$name] = @($key.GetValueKind($name).ToString(), $key.GetValue($name))
    }
    $key.Close()
    return $values
}

# The PE header's Subsystem field: 2 is a windowed (GUI) program, 3 a console one. Offset:
# e_lfanew (at 0x3C) + 4 (signature) + 20 (file header) + 68 (in the optional header, the
# same for PE32 and PE32+).
function Get-Subsystem([string] $Path) {
    $bytes = [IO.File]::ReadAllBytes($Path)
    $pe = [BitConverter]::ToInt32($bytes, 0x3C)
    return [BitConverter]::ToUInt16($bytes, $pe + 4 + 20 + 68)
}

function Test-Context([string] $Properties, [string] $Hive, [string] $InstallDir, [string] $StartMenu) {
    Invoke-Msiexec "/i `"$Msi`" $Properties"
    $exe = Join-Path $InstallDir 'fireside.exe'
    if (-not (Test-Path $exe)) { throw "$exe was not installed" }
    $version = & $exe --version
    if ($LASTEXITCODE -ne 0) { throw "fireside.exe --version failed: $version" }
    Write-Output "installed and ran: $version"
    # spell checking: the bundle's own Enchant (pyenchant's wheel) and its English dictionaries
    $report = (& $exe doctor --json) -join "`n"
    if ($LASTEXITCODE -ne 0) { throw "fireside.exe doctor failed: $report" }
    $languages = @(($report | ConvertFrom-Json).spelling)
    foreach ($language in 'en_US', 'en_GB') {
        if ($languages -notcontains $language) {
            throw "the installed app has no $language dictionary (it has: $($languages -join ', '))"
        }
    }
    $lnk = Join-Path $StartMenu 'Fireside.lnk'
    if (-not (Test-Path $lnk)) { throw "no shortcut in $StartMenu" }
    $gui = Join-Path $InstallDir 'fireside-gui.exe'
    # An advertised shortcut would hide its target; this one is a plain one (the WiX
    # Shortcut has a Target), so WScript.Shell reads the path.
    $target = (New-Object -ComObject WScript.Shell).CreateShortcut($lnk).TargetPath
    Assert-Equal $gui $target 'Start-menu shortcut target'
    Assert-Equal 2 (Get-Subsystem $gui) 'fireside-gui.exe subsystem (2: windowed)'
    Assert-Equal 3 (Get-Subsystem $exe) 'fireside.exe subsystem (3: console)'
    $policy = Get-Policy $Hive
    if (-not $policy) { throw "no policy under $Hive\$policyKey" }
    Assert-Equal 'DWord' $policy['SandboxEnabled'][0] 'SandboxEnabled type'
    Assert-Equal 0 $policy['SandboxEnabled'][1] 'SandboxEnabled'
    Assert-Equal 'sandbox,wordpress' $policy['AllowedNetworks'][1] 'AllowedNetworks'
    Assert-Equal 'DWord' $policy['SyncIntervalMinutes'][0] 'SyncIntervalMinutes type'
    Assert-Equal 30 $policy['SyncIntervalMinutes'][1] 'SyncIntervalMinutes'
    Assert-Equal $accounts $policy['Accounts'][1] 'Accounts'
    $other = if ($Hive -eq 'LocalMachine') { 'CurrentUser' } else { 'LocalMachine' }
    if (Get-Policy $other) { throw "policy written under $other too" }
    Assert-Equal 1 (Get-InstalledCount) 'registered Fireside products'

    Invoke-Msiexec "/x `"$Msi`""
    if (Test-Path $exe) { throw "$exe is still there after the uninstall" }
    if (Get-Policy $Hive) { throw "policy left under $Hive after the uninstall" }
    Assert-Equal 0 (Get-InstalledCount) 'registered Fireside products after the uninstall'
}

$escaped = $accounts.Replace('"', '""')  # msiexec: a quote inside a quoted value is doubled
$policy = "SANDBOXENABLED=0 ALLOWEDNETWORKS=sandbox,wordpress SYNCINTERVALMINUTES=30 ACCOUNTS=`"$escaped`""

# The package's default: per user, no elevation needed.
Test-Context $policy 'CurrentUser' "$env:LOCALAPPDATA\Programs\Fireside" `
    ([Environment]::GetFolderPath('Programs'))
# Per machine, as IT deploys it.
Test-Context "ALLUSERS=1 $policy" 'LocalMachine' "$env:ProgramFiles\Fireside" `
    ([Environment]::GetFolderPath('CommonPrograms'))
Write-Output 'smoke test passed: per-user and per-machine install, policy, uninstall'
