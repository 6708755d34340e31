package access

import (
	"strings"

	"github.com/example/staffcrm/ent"
	"github.com/example/staffcrm/internal/auth"
)

// Field scope of DESIGN.md §4: who may read each field of each GraphQL object type. Rows are
// already scoped by the ent privacy policies; these rules decide, for a row the viewer may see,
// which of its fields they may read. A field that is not listed here is readable by nobody, so a new
// field cannot ship without a decision (and the schema-walking test in graph/ fails until it has one).

// Reader decides whether viewer v may read a field of obj (the object the field belongs to).
type Reader struct {
	roles map[auth.Role]bool
	// own, when set, further restricts ownRole to objects it accepts.
	ownRole auth.Role
	own     func(v *auth.Viewer, obj any) bool
	// Public fields are readable without signing in (login, token payloads).
	Public bool
	// Audited reads write an AuditEvent (who read what, when).
	Audited bool
}

// Allows reports whether v may read the field of obj.
func (r Reader) Allows(v *auth.Viewer, obj any) bool {
	if r.Public {
		return true
	}
	if v == nil || !r.roles[v.Role] {
		return false
	}
	if r.own != nil && v.Role == r.ownRole {
		return r.own(v, obj)
	}
	return true
}

// Roles lists who may read (for documentation and tests).
func (r Reader) Roles() []auth.Role {
	var out []auth.Role
	for _, role := range []auth.Role{auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSalesRep, auth.RoleRegistrant} {
		if r.roles[role] {
			out = append(out, role)
		}
	}
	return out
}

// OwnOnly reports whether role's access depends on the object (e.g. a sales rep's own posting).
func (r Reader) OwnOnly(role auth.Role) bool { return r.own != nil && r.ownRole == role }

func readers(roles ...auth.Role) Reader {
	m := make(map[auth.Role]bool, len(roles))
	for _, r := range roles {
		m[r] = true
	}
	return Reader{roles: m}
}

func (r Reader) audited() Reader { r.Audited = true; return r }

var (
	public     = Reader{Public: true}
	everyone   = readers(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSalesRep, auth.RoleRegistrant)
	staff      = readers(auth.RoleAdmin, auth.RoleCoordinator, auth.RoleSalesRep)
	adminOnly  = readers(auth.RoleAdmin)
	registrant = readers(auth.RoleRegistrant)
	// adminOrRep: admins, and sales reps for the rows their row scope gives them (their postings'
	// assignments); never coordinators.
	adminOrRep = readers(auth.RoleAdmin, auth.RoleSalesRep)
	// coordOrAdmin: the staff who edit registrants' data for them.
	coordOrAdmin = readers(auth.RoleAdmin, auth.RoleCoordinator)
	// routable: the staff who take inquiries and go on and off shift.
	routable = readers(auth.RoleCoordinator, auth.RoleSalesRep)
	// postingBillRate: admins, and the posting's own account rep.
	postingBillRate = Reader{
		roles:   map[auth.Role]bool{auth.RoleAdmin: true, auth.RoleSalesRep: true},
		ownRole: auth.RoleSalesRep,
		own: func(v *auth.Viewer, obj any) bool {
			p, ok := obj.(*ent.Posting)
			return ok && p.AccountRepID == v.ProfileID
		},
	}
)

type typeRules map[string]Reader

func fields(r Reader, names string) typeRules {
	t := typeRules{}
	for _, n := range strings.Fields(names) {
		t[n] = r
	}
	return t
}

func merge(parts ...typeRules) typeRules {
	out := typeRules{}
	for _, p := range parts {
		for k, v := range p {
			if _, dup := out[k]; dup {
				panic("access: field listed twice: " + k)
			}
			out[k] = v
		}
	}
	return out
}

// fieldRules is the declared visibility table, by GraphQL type and field.
var fieldRules = map[string]typeRules{
	"Query": merge(
		fields(everyone, "node nodes viewer"),
		fields(everyone, "publicPostings"),
		fields(registrant, "myProfile myApplications myInquiries myAssignments myContactLogs"),
		fields(staff, "complianceCheck skillSheet registrantsAtInsuranceRisk myCallbacksDue matchPostings matchRegistrants"),
		fields(registrant, "recommendedPostings"),
		fields(staff, "accounts agencies applications assignments clients clientSites contactLogs coordinators inquiries orgUnits postings registrants salesReps"),
		fields(staff, "minimumWages"),
		fields(adminOnly, "auditEvents"),
		// Records: the service narrows further (the worker her own terms sheet only; the margin
		// disclosure admins only).
		fields(everyone, "termsSheet"),
		fields(staff, "clientNotice ledgerEntry stabilityDuties dispatchContacts ledgerLogs complianceCalendar"),
		fields(adminOnly, "marginDisclosure"),
		fields(staff, "generalWages"),
		fields(public, "signupTerms"),
		fields(adminOrRep, "partnerDashboard"),
		fields(registrant, "myDataExport"),
		fields(adminOnly, "webhookEventTypes webhookEndpoints webhookDeliveries"),
		// Bulk import (issue 18 item 3): the service narrows to the agency's (admins) or one's own.
		fields(staff, "importJob importJobs"),
	),
	"Mutation": merge(
		fields(public, "login refreshToken logout"),
		fields(registrant, "updateMyProfile"),
		fields(staff, "createPosting updatePosting updateRegistrant acknowledgeInquiry declineInquiry handOffInquiry resolveInquiry reassignInquiry"),
		fields(everyone, "createInquiry"),
		fields(registrant, "requestNextJob apply withdrawApplication declineOffer acceptOffer"),
		fields(staff, "scheduleMeeting cancelMeeting terminateAssignment replyToInquiry"),
		fields(registrant, "postMyInquiryMessage"),
		fields(staff, "advanceApplication renewAssignment logContact completeCallback"),
		fields(adminOnly, "setRoutingMode setMatchingWeights"),
		fields(adminOnly, "importMinimumWages importGeneralWages"),
		// The records' own data: contacts (admins, sales reps for their clients' places; the service
		// refuses the agency's own to sales reps), ledger logs (staff in scope), insurance enrollment
		// (the service refuses sales reps).
		fields(adminOrRep, "setDispatchContact removeDispatchContact"),
		fields(staff, "recordLedgerLog updateLedgerLog"),
		fields(coordOrAdmin, "recordInsuranceEnrollment"),
		fields(adminOnly, "updateAgencySettings inviteStaff sendSetPasswordLink disableStaff enableStaff updateStaff"),
		fields(public, "setPassword"),
		fields(routable, "setAvailability"),
		fields(adminOrRep, "createClient updateClient createClientSite updateClientSite recordConflictDateNotice createOrgUnit updateOrgUnit"),
		fields(public, "registerRegistrant verifyEmail resendVerificationEmail requestPasswordReset"),
		fields(registrant, "setMySkills addMyWorkHistory updateMyWorkHistory removeMyWorkHistory deleteMyAccount"),
		fields(coordOrAdmin, "setRegistrantSkills addRegistrantWorkHistory updateRegistrantWorkHistory removeRegistrantWorkHistory"),
		fields(adminOnly, "createWebhookEndpoint updateWebhookEndpoint rotateWebhookSecret deleteWebhookEndpoint replayWebhookDelivery"),
		fields(coordOrAdmin, "importRegistrants"),
		fields(adminOrRep, "importPostings"), // a sales rep only postings of which they are the account rep
	),
	"Subscription": merge(fields(staff, "inquiryAssigned inquiryMessage"), fields(registrant, "myInquiryUpdated"),
		fields(staff, "importJobProgress complianceReminderDue")),
	// An import's report names lines and columns of the file its reader sent (or an admin of the
	// agency reads): no field of a row is in it beyond what the file said.
	"ImportJob":                    fields(staff, "id kind mode status fileName encoding total done imported updated unchanged failed errors message createdAt startedAt finishedAt"),
	"ImportRowError":               fields(staff, "line column reason"),
	"ImportJobPayload":             fields(staff, "job"),
	"ComplianceFinding":            fields(staff, "rule severity message"),
	"WebhookEndpoint":              fields(adminOnly, "id url description eventTypes enabled disabledAt disabledReason createdAt"),
	"WebhookEndpointSecretPayload": fields(adminOnly, "endpoint secret"),
	"WebhookEndpointPayload":       fields(adminOnly, "endpoint"),
	"DeleteWebhookEndpointPayload": fields(adminOnly, "deletedId"),
	"WebhookDelivery":              fields(adminOnly, "id endpointId eventId eventType payload status attempts nextAttemptAt lastStatusCode lastError deliveredAt createdAt"),
	"WebhookDeliveryPayload":       fields(adminOnly, "delivery"),
	"GeneralWage":                  fields(staff, "fiscalYear jobCategory experienceYears prefecture baseWage experienceIndex areaIndex hourlyWage sample"),
	"ImportGeneralWagesPayload":    fields(adminOnly, "imported"),
	"MinimumWage":                  fields(staff, "id prefecture hourlyWage effectiveFrom sample"),
	"ImportMinimumWagesPayload":    fields(adminOnly, "imported minimumWages"),
	"ComplianceResult":             fields(staff, "ok findings individualLimitLastDay individualLimitExempt runStart continuesRun siteConflictDate siteLastDay"),
	"ApplyPayload":                 fields(registrant, "application"),
	"AdvanceApplicationPayload":    fields(staff, "application assignment warnings"),
	"AssignmentPayload":            fields(staff, "assignment warnings"),
	"SkillSheet":                   fields(staff, "skills history"),
	"SkillSheetSkill":              fields(staff, "skill level years"),
	"SkillSheetHistory":            fields(staff, "industry jobCategory tasks durationMonths"),
	"InsuranceContinuity":          fields(everyone, "applies lastContractEnd deadline atRisk lost"),
	"ContactLogPayload":            fields(staff, "contactLog"),
	"MatchExplanation":             fields(everyone, "component weight value contribution text matched missing"),
	"PostingMatchEdge":             fields(staff, "node cursor score blocked explanations"),
	"PostingMatchConnection":       fields(staff, "edges pageInfo totalCount"),
	"RegistrantMatchEdge":          fields(staff, "node cursor score blocked explanations"),
	"RegistrantMatchConnection":    fields(staff, "edges pageInfo totalCount"),
	"RecommendedPostingEdge":       fields(registrant, "node cursor score explanations"),
	"RecommendedPostingConnection": fields(registrant, "edges pageInfo totalCount"),
	"MatchingWeights":              fields(staff, "experience tasks skills wage commute availability compliance history"),
	"PostingSignals":               fields(staff, "wagePercentile areaMedianWage riskLevel riskReasons riskTexts"),
	"AuthPayload":                  fields(public, "accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt viewer"),
	"LogoutPayload":                fields(public, "ok"),
	"PageInfo":                     fields(public, "hasNextPage hasPreviousPage startCursor endCursor"),
	"StatutoryRecord":              fields(everyone, "title items gaps complete pdfPath"),
	"RecordItem":                   fields(everyone, "label law value"),
	"RecordGap":                    fields(everyone, "item law"),
	"LedgerRecord":                 fields(staff, "record retainUntil"),
	"MarginFigures":                fields(adminOnly, "siteName workers averageBill averageWage marginRate withoutBill"),
	"StabilityCase":                fields(staff, "workerName orgUnit runStart plannedEnd duty reaches measures"),
	"ComplianceReminder":           fields(staff, "rule due daysLeft text assignmentId registrantId siteId workerName siteName orgUnit missing"),
	"DispatchContact":              fields(staff, "id createdAt updatedAt role name department phone site orgUnit"),
	"DispatchContactPayload":       fields(adminOrRep, "contact"),
	"RemoveDispatchContactPayload": fields(adminOrRep, "removedId"),
	"LedgerLog": merge(fields(staff, "id createdAt updatedAt kind occurredOn registrant assignment recordedBy"),
		fields(staff.audited(), "content handling")), // what a worker complained of is personal data
	"LedgerLogPayload": fields(staff, "log"),

	// The agency's settings are not secret from its own registrants (the app shows business hours, and
	// a rate-limited registrant is told the limit anyway).
	"Agency": merge(fields(staff, "matchingWeights"), fields(everyone, "routingWeightContinuity routingWeightSpecialty routingWeightRegion id name slug routingMode timezone businessOpen businessClose workingWeekdays holidays createdAt updatedAt firstResponseSLAMinutes ackTimeoutMinutes inquiryRateLimit nextJobLeadDays insuranceGapDays")),
	"Account": merge(
		fields(everyone, "id createdAt updatedAt email role disabled lastLoginAt agency emailVerified"),
		fields(staff, "coordinator salesRep registrant profile"),
	),
	"Coordinator":   fields(staff, "id createdAt updatedAt regions name specialties capacity available openInquiries lastAssignedAt account inquiries"),
	"SalesRep":      fields(staff, "id createdAt updatedAt kind name specialties capacity available openInquiries lastAssignedAt account postings servedClients inquiries"),
	"ClientCompany": fields(staff, "id createdAt updatedAt name industry legalEntityNumber serviceRep sites"),
	"ClientSite":    fields(staff, "id createdAt updatedAt name address prefecture conflictDate conflictDateNotifiedAt client orgUnits conflictDateNotices dispatchContacts"),
	"OrgUnit":       fields(staff, "id createdAt updatedAt name site postings assignments dispatchContacts"),
	"Posting": merge(
		fields(staff, "id createdAt updatedAt type visibility status title description jobCategory requiredSkills taskTags hourlyWage prefecture city nearestStation walkMinutes busRequired workingHours avgMonthlyOvertimeHours startDate expectedDurationMonths headcount disclosesClient repostCount orgUnit accountRep applications inquiries assignments"),
		fields(staff, "departmentDetails hiringReason atmosphereNotes predecessorTenureMonths clientContact signals"),
		fields(staff, "externalKey"),
		fields(staff, "responsibility workingDays breaks overtimeTerms holidayWork safetyHealth welfare earlyTerminationMeasures tempToPermTerms"),
		fields(postingBillRate.audited(), "billRate"),
	),
	"Registrant": merge(
		fields(staff, "externalKey agreementCovered"),
		fields(staff, "healthInsuranceEnrolled pensionInsuranceEnrolled employmentInsuranceEnrolled insuranceNotEnrolledReason"),
		fields(staff, "anonymizedAt insurance daytimeStudent incomeExemption retiredAtMandatoryAge contactPressureFlaggedAt id createdAt updatedAt name kana preferredContactHours prefecture city nearestStation maxCommuteMinutes acceptsBus desiredHourlyWage desiredJobCategories availableFrom employment registeredAt account skills workHistories inquiries applications assignments contactLogs"),
		fields(staff, "phone email"),
		fields(adminOnly.audited(), "birthDate education gender"),
	),
	"Skill":            fields(staff, "id name level years registrant"),
	"WorkHistory":      fields(staff, "id company legalEntityNumber industry jobCategory tasks taskTags startDate endDate kind registrant"),
	"Inquiry":          fields(staff, "messages assignee ackDueAt handedOffAt id createdAt updatedAt kind channel origin message status dueAt priority assignedAt acknowledgedAt resolvedAt escalatedAt registrant posting coordinator salesRep routingDecisions"),
	"RoutingDecision":  fields(staff, "id action reason createdAt inquiry chosenCoordinator chosenSalesRep actor chosen candidates"),
	"RoutingCandidate": fields(staff, "kind id name score components excluded"),
	"ScoreComponent":   fields(staff, "name value"),
	"Application": merge(
		fields(staff, "id createdAt updatedAt status registrant posting events assignment meetingAt meetingPlace meetingAttendees meetingNote"),
		fields(staff, "internalNotes rejectionReason"),
	),
	"ApplicationEvent": fields(staff, "id fromStatus toStatus reason at application actor"),
	"Assignment": merge(
		fields(staff, "id createdAt updatedAt startDate endDate hourlyWage status registrant posting orgUnit application renewalOf renewal"),
		fields(staff, "plannedEndDate terminatedBy terminationReason terminationMeasures"),
		fields(adminOrRep.audited(), "billRate"),
	),
	"ContactLog": fields(staff, "id channel direction outcome note occurredAt callbackDueAt callbackDone registrant staff"),
	"AuditEvent": fields(adminOnly, "id action entityType entityID fields at actor"),

	// Registrant portal types: no confidential field exists on them. Staff may preview the feed.
	"PublicPosting":          fields(everyone, "wageVsAreaMedian areaMedianWage id createdAt type title description jobCategory requiredSkills hourlyWage prefecture city nearestStation walkMinutes busRequired workingHours avgMonthlyOvertimeHours startDate expectedDurationMonths headcount clientName siteAddress introduced"),
	"MyApplication":          fields(registrant, "id createdAt updatedAt status posting meeting accepted"),
	"MyMeeting":              fields(registrant, "at place attendees note"),
	"ApplicationPayload":     fields(staff, "application"),
	"MyInquiry":              fields(registrant, "id createdAt kind channel status message posting assigneeName messages"),
	"MyInquiryMessage":       fields(registrant, "body at fromStaff authorName"),
	"MyInquiryPayload":       fields(registrant, "myInquiry"),
	"InquiryMessage":         fields(staff, "body at fromStaff authorName"),
	"MyAssignment":           fields(registrant, "id startDate endDate hourlyWage status posting clientName siteAddress"),
	"MyContactLog":           fields(registrant, "id channel direction outcome occurredAt callbackDueAt"),
	"MySkill":                fields(registrant, "name level years"),
	"MyWorkHistory":          fields(registrant, "id company industry jobCategory tasks taskTags startDate endDate kind"),
	"MyProfile":              fields(registrant, "insurance id name kana phone email preferredContactHours prefecture city nearestStation maxCommuteMinutes acceptsBus desiredHourlyWage desiredJobCategories availableFrom employment registeredAt birthDate education skills workHistories consents"),
	"UpdateMyProfilePayload": fields(registrant, "profile"),
	"PostingPayload":         fields(staff, "posting"),
	"InquiryPayload":         fields(staff, "inquiry"),
	"AgencyPayload":          fields(adminOnly, "agency"),
	"CreateInquiryPayload":   merge(fields(staff, "inquiry receipt"), fields(registrant, "myInquiry")),
	"InquiryReceipt":         fields(staff, "id status routedToSomeoneElse"),
	"RegistrantPayload":      fields(staff, "registrant"),

	// Master data (issue 15 items 2–4).
	"ConflictDateNotice":         fields(staff, "id conflictDate notifiedOn createdAt site recordedBy"),
	"InviteStaffPayload":         fields(adminOnly, "account staff linkExpiresAt"),
	"SetPasswordPayload":         fields(public, "email"),
	"StaffAccountPayload":        fields(adminOnly, "account reassigned queued"),
	"SendSetPasswordLinkPayload": fields(adminOnly, "account linkExpiresAt"),
	"StaffPayload":               fields(adminOnly, "staff"),
	"SetAvailabilityPayload":     fields(routable, "staff assigned"),
	"ClientPayload":              fields(adminOrRep, "client"),
	"ClientSitePayload":          fields(adminOrRep, "site"),
	"OrgUnitPayload":             fields(adminOrRep, "orgUnit"),

	// The partner dashboard (issue 15 item 7): the service gives a rep only their own part.
	"PartnerDashboard":    fields(adminOrRep, "leadDays reps coordinators"),
	"RepDashboard":        fields(adminOrRep, "rep openPostings fillRate medianDaysToFill endingWithoutRenewal waitingInquiries"),
	"PostingPipeline":     fields(adminOrRep, "posting stages placed"),
	"StageCount":          fields(adminOrRep, "status count"),
	"WaitingInquiry":      fields(adminOrRep, "inquiry slaState"),
	"CoordinatorWorkload": fields(adminOnly, "coordinator openInquiries capacity"),

	// Registrant accounts (issue 15 item 1).
	"SignupTerms":            fields(public, "agencyName agencySlug policyVersion"),
	"EmailReceipt":           fields(public, "email message"),
	"VerifyEmailPayload":     fields(public, "email"),
	"MyConsent":              fields(registrant, "kind version grantedAt"),
	"MyDataExport":           fields(registrant, "generatedAt json"),
	"DeleteMyAccountPayload": fields(registrant, "retainedUntil retained"),
}

// FieldReader returns the rule for typ.field. Connection and edge wrappers are transparent (their
// nodes are checked as their own type); anything else unlisted is denied.
func FieldReader(typ, field string) (Reader, bool) {
	if t, ok := fieldRules[typ]; ok {
		r, ok := t[field]
		return r, ok
	}
	if strings.HasSuffix(typ, "Connection") || strings.HasSuffix(typ, "Edge") {
		return public, true
	}
	return Reader{}, false
}

// DeclaredTypes lists the types with declared rules, for tests.
func DeclaredTypes() map[string][]string {
	out := make(map[string][]string, len(fieldRules))
	for t, fs := range fieldRules {
		for f := range fs {
			out[t] = append(out[t], f)
		}
	}
	return out
}
