; Sheaf's Windows installer: for this user, without administrator rights.
;
; Built by build_scripts/installer.py (never by hand), which passes every define:
;   NAME VERSION VERSION4 PUBLISHER EXE PROGID SOURCE_FILES ICON OUTFILE, FAST for a
;   quick test build, and SIGN_NSH where signing credentials exist. It installs the
;   onedir build into %LOCALAPPDATA%\Programs, adds a Start menu entry, "Open with
;   Sheaf" for PDFs and images, and an uninstaller listed in Apps & features. /S
;   installs (and uninstalls) silently. Nothing outside HKCU and the install folder is
;   touched, and the uninstaller leaves Sheaf's data folder (%LOCALAPPDATA%\Sheaf) alone.

; A 64-bit, Unicode installer (a 32-bit one would see the 32-bit registry view, and
; Debian's makensis makes 32-bit ones unless told).
Target amd64-unicode
ManifestDPIAware true
!ifdef FAST
  SetCompressor zlib
!else
  SetCompressor /SOLID lzma
!endif

!include "MUI2.nsh"
!ifdef SIGN_NSH
  ; Signs the uninstaller before it is packed and the setup when it is written
  ; (!uninstfinalize and !finalize, made by installer.py from build_scripts/signing.py).
  !include "${SIGN_NSH}"
!endif
!include "FileFunc.nsh"

!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${NAME}"
!define APP_KEY "Software\Classes\Applications\${EXE}"

Name "${NAME}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\${NAME}"
InstallDirRegKey HKCU "Software\${NAME}" "InstallDir"
BrandingText "${NAME} ${VERSION}"

VIProductVersion "${VERSION4}"
VIAddVersionKey /LANG=0 "ProductName" "${NAME}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "FileDescription" "${NAME} setup"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "LegalCopyright" "${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "SimpChinese"

!macro OpenWith EXT
  WriteRegStr HKCU "${APP_KEY}\SupportedTypes" "${EXT}" ""
  WriteRegStr HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
!macroend

!macro ForgetOpenWith EXT
  DeleteRegValue HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
!macroend

Section "Install"
  SetOutPath "$INSTDIR"
  RMDir /r "$INSTDIR\_internal"  ; an earlier version's libraries go first
  File /r "${SOURCE_FILES}"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  CreateShortCut "$SMPROGRAMS\${NAME}.lnk" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "Software\${NAME}" "InstallDir" "$INSTDIR"

  ; "Open with Sheaf": the application, and a document type it opens.
  WriteRegStr HKCU "${APP_KEY}" "FriendlyAppName" "${NAME}"
  WriteRegStr HKCU "${APP_KEY}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "PDF (${NAME})"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  !insertmacro OpenWith ".pdf"
  !insertmacro OpenWith ".png"
  !insertmacro OpenWith ".jpg"
  !insertmacro OpenWith ".jpeg"
  !insertmacro OpenWith ".tif"
  !insertmacro OpenWith ".tiff"
  !insertmacro OpenWith ".webp"

  ; Apps & features
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" $0

  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'  ; file types changed
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${NAME}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"  ; only if empty: nothing the person put there is removed

  DeleteRegKey HKCU "${APP_KEY}"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  !insertmacro ForgetOpenWith ".pdf"
  !insertmacro ForgetOpenWith ".png"
  !insertmacro ForgetOpenWith ".jpg"
  !insertmacro ForgetOpenWith ".jpeg"
  !insertmacro ForgetOpenWith ".tif"
  !insertmacro ForgetOpenWith ".tiff"
  !insertmacro ForgetOpenWith ".webp"
  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\${NAME}"

  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
