"""PDF names that hold the text: which are the document's own words, and their new spelling.

A name can carry the text to redact: a named destination (``/Dests``), a
custom document-information key, a checkbox's export value, a resource name.
Those are renamed, the same way everywhere, so a link to ``/Secret`` still
reaches the destination now called ``/██████``. Names the PDF format itself
defines (``/Contents``, ``/Font``, ``/Figure``...) are never renamed, or a
search for a common word would break the file: :data:`STANDARD` lists them.
"""

from __future__ import annotations

import pikepdf

from app.pdf.redact.needle import Needle

#: Names the format defines (keys, types, subtypes, structure types, filters, fonts...).
_STANDARD = """
    A AA AcroForm ActualText Alt Alternate Annot Annots AP AS Ascent Author AvgWidth B BBox
    BaseEncoding BaseFont BaseState BitsPerComponent BitsPerCoordinate BitsPerFlag
    BitsPerSample Border BS C CA CapHeight Catalog CharProcs CharSet CIDFontType0
    CIDFontType2 CIDSet CIDSystemInfo CIDToGIDMap Collection ColorSpace Colors Columns
    Configs Contents Count CreationDate Creator CropBox CS D DA Decode DecodeParms Default
    DefaultCMYK DefaultGray DefaultRGB Descendant DescendantFonts Descent Dest Dests
    Differences Domain DR DS DV E EarlyChange EF EmbeddedFile EmbeddedFiles Encoding Encrypt
    ExtGState F Ff Fields Filter First FirstChar Flags Font FontBBox FontDescriptor
    FontFamily FontFile FontFile2 FontFile3 FontMatrix FontName FontStretch FontWeight Form
    FormType FreeText FT Function Functions Group H Height I ID IDTree Image ImageMask Index
    Info Ink Intent InvisibleRect IRT IT ItalicAngle JS JavaScript K Keywords Kids L Lang
    Last LastChar Leading Length Length1 Length2 Length3 Limits Link M Mask Matrix MaxLen
    MaxWidth MCID MediaBox Metadata MissingWidth MK ModDate N Name Names NeedAppearances
    Next NM Nums O OC OCG OCGs OCMD OCProperties OFF ON Off Open OpenAction Opt Order
    Ordering Outlines P Page PageLabels PageLayout PageMode Pages Params Parent ParentTree
    ParentTreeNextKey Pattern PatternType PieceInfo Pg Popup Predictor Prev Print Producer
    Properties Q QuadPoints R Range RC Rect Registry Resources RichMedia RoleMap Root Rotate
    Rows RV S Screen Shading ShadingType Size SMask Sound Square Squiggly Stamp StemH StemV
    StrikeOut StructElem StructParent StructParents StructTreeRoot Style Subj Subject
    Subtype Supplement T Text Thumb Threads Title ToUnicode Trapped TrimBox ArtBox BleedBox
    TU Type Type0 Type1 Type1C Type3 TrueType U Underline URI UserUnit V Version
    ViewerPreferences W W2 Widget Width Widths WMode XFA XHeight XObject XRef XRefStm XYZ
    Fit FitB FitBH FitBV FitH FitR FitV GoTo GoToR GoToE Launch Thread Movie Hide Named
    SubmitForm ResetForm ImportData SetOCGState Rendition Trans GoTo3DView Yes No Btn Tx Ch
    Sig FlateDecode Fl LZWDecode LZW ASCIIHexDecode AHx ASCII85Decode A85 RunLengthDecode RL
    CCITTFaxDecode CCF JBIG2Decode DCTDecode DCT JPXDecode Crypt DeviceGray DeviceRGB
    DeviceCMYK CalGray CalRGB Lab ICCBased Indexed Separation DeviceN G RGB CMYK Normal
    Multiply Overlay Darken Lighten ColorDodge ColorBurn HardLight SoftLight Difference
    Exclusion Hue Saturation Color Luminosity Alpha Transparency WinAnsiEncoding
    MacRomanEncoding MacExpertEncoding StandardEncoding PDFDocEncoding Identity Identity-H
    Identity-V Courier Courier-Bold Courier-Oblique Courier-BoldOblique Helvetica
    Helvetica-Bold Helvetica-Oblique Helvetica-BoldOblique Times-Roman Times-Bold
    Times-Italic Times-BoldItalic Symbol ZapfDingbats Document DocumentFragment Part Art
    Sect Div BlockQuote Caption TOC TOCI NonStruct Private H1 H2 H3 H4 H5 H6 Lbl LBody LI
    Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Ruby RB RT RP
    Warichu WT WP Figure Formula Aside Sub Em Strong Artifact Pagination Layout Background
    Watermark Header Footer Attached Placement Block Inline Before After Start End Justify
    Center WritingMode BackgroundColor BorderColor BorderStyle BorderThickness Padding
    SpaceBefore SpaceAfter StartIndent EndIndent TextIndent TextAlign BlockAlign InlineAlign
    ListNumbering Summary Scope Headers ColSpan RowSpan Checked Desc Role Usage View Export
    Zoom User CreatorInfo Language PageElement Event ViewState PrintState ExportState AllOn
    AnyOn AnyOff AllOff VE ListMode RBGroups Locked Category Marked MarkInfo UserProperties
    Suspects OutputIntents OutputIntent GTS_PDFA1 GTS_PDFX ISO_PDFE1 DestOutputProfile
    OutputConditionIdentifier RegistryName Perms DocMDP UR3 SigFlags SigRef TransformMethod
    TransformParams SubFilter ByteRange Cert Reason Location ContactInfo AF AFRelationship
    Source Data Alternative EncryptedPayload Unspecified FormData Schema NeedsRendering
    Legal DSS VRI OCSPs CRLs Certs Extensions ADBE ESIC ExtensionLevel BaseVersion StdCF
    StmF StrF EFF CF CFM AESV2 AESV3 V2 None DocOpen Recipients HideToolbar HideMenubar
    HideWindowUI FitWindow CenterWindow DisplayDocTitle NonFullScreenPageMode Direction
    ViewArea ViewClip PrintArea PrintClip PrintScaling Duplex PickTrayByPDFSize
    PrintPageRange NumCopies Simplex DuplexFlipShortEdge DuplexFlipLongEdge AppDefault
    UseNone UseOutlines UseThumbs FullScreen UseOC UseAttachments SinglePage OneColumn
    TwoColumnLeft TwoColumnRight TwoPageLeft TwoPageRight L2R R2L Highlight Caret Polygon
    PolyLine Circle Line FileAttachment PrinterMark TrapNet Redact Projection 3D OverlayText
    Repeat IC LE RD CL Sy
    CMap CMapName UseCMap CMapType ObjStm Filespec XML Action MCR OBJR Perceptual
    RelativeColorimetric AbsoluteColorimetric False True Unknown Comment Key Help NewParagraph
    Paragraph Insert Approved Experimental NotApproved AsIs Expired NotForPublicRelease
    Confidential Final Sold Departmental ForComment TopSecret Draft ForPublicRelease Diamond
    OpenArrow ClosedArrow Butt ROpenArrow RClosedArrow Slash PaintType TilingType XStep YStep
    Extend Coords AntiAlias Background Outline Push Toggle Invert Beveled Inset Dashed Solid
    Graph PushPin Paperclip Tag Speaker Mic Dest Start Stop Pause Resume Interpolate Decode
    ShadingType FunctionType Bounds Encode C0 C1 N Order Samples BitsPerSample Fields Include
    Exclude ExportFormat IncludeNoValueFields SubmitPDF CanonicalFormat Annotation Mac DOS Unix
    FileName MIME Desc Thumbnail Params CheckSum Size ModDate CreationDate Alternates Image
    Measure Viewport GTS_PDFX UserUnit Tabs TemplateInstantiated PresSteps Dur Split Blinds Box
    Wipe Dissolve Glitter Fly Fade Cover Uncover Push None Separation Colorant Process
    MixingHints Components SpotFunction HalftoneType Matte Lookup Hival Base WhitePoint
    BlackPoint Gamma Matrix Range ViewerPreferences Marked Suspects UserProperties Artifact
"""
STANDARD = frozenset(_STANDARD.split())

#: Where names are a font's machinery (its name, its glyphs' names), never the document's.
FONT_NAMES = {"/BaseFont", "/FontName", "/Differences", "/CharProcs"}
#: Dictionaries whose keys are names the document chose for people: named destinations,
#: custom details, the states (export values) of check boxes and radio buttons.
CHOSEN_KEYS = {"/Dests", "/Info", "/N", "/D", "/R"}
#: Keys whose name values the document chose: a button's state, a named destination.
CHOSEN_VALUES = {"/AS", "/V", "/DV", "/D", "/Dest"}
#: Below this many letters, a word is too likely to be part of some name the format or a
#: producer uses (``/Fa``, ``/Perceptual``) to rename names in no chosen place.
SHORT = 3


def renamable(name: str, needle: Needle, key: str | None = None, chosen: bool = False) -> bool:
    """Does ``name`` (``/Text``) hold the needle and belong to the document, not the format?
    ``key``: where the name sits (its key, or the key of the array holding it); ``chosen``:
    it sits where the document chose its names (:data:`CHOSEN_KEYS`, :data:`CHOSEN_VALUES`)."""
    text = name[1:]
    if text in STANDARD or key in FONT_NAMES:
        return False
    if not chosen and len(needle.letters) < SHORT:
        return False
    return bool(needle.spans(text)) or needle.holds(text)


def renamed(name: str, needle: Needle) -> pikepdf.Name:
    """The name with the needle blacked out; the same for the same name everywhere."""
    text = name[1:]
    new = needle.black_out(text)
    if new == text:  # held only through an escape: nothing of it can stay
        new = "█" * max(1, len(text))
    return pikepdf.Name("/" + new)
