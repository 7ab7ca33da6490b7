/**
 * The framework shipped as seed data: "Linked Learning Certification Standards" 2026.1.
 *
 * Written for this project from the public description of Linked Learning certification
 * (four integrated components, Silver = core components established, Gold = high-quality
 * implementation with equitable opportunities and outcomes), plus two cross-cutting
 * components: pathway design and leadership, and equity and outcomes. It is not the
 * Alliance's official text.
 *
 * How levels are assigned:
 * - candidacy: foundational plans and design (vision, team, course sequences, the WBL
 *   continuum, a supports plan, open enrollment) - what a pathway can show before it runs
 *   at full scale;
 * - silver: each core component established and operating for every student;
 * - gold: high-quality implementation, plus equitable access and outcomes shown in data.
 * A criterion assessed at several levels keeps one rubric; reviewers read "meeting" as the
 * bar for the level applied for.
 *
 * Evidence expectations name documents a running pathway already produces.
 */
import type { Criterion, ExpectedEvidence, Framework, FrameworkComponent, Standard } from './framework.ts';
import type { Level } from './levels.ts';

/** Stable, valid framework id (ULID time part = 2026-01-01) so seeds and tests can refer to it. */
export const SEED_FRAMEWORK_ID = 'fw_01KDVDNA000000000000000000';
export const SEED_FRAMEWORK_VERSION = '2026.1';

const C: Level[] = ['candidacy', 'silver', 'gold'];
const SG: Level[] = ['silver', 'gold'];
const G: Level[] = ['gold'];
const CO: Level[] = ['candidacy'];

type Ev = [ExpectedEvidence['kind'], string, boolean];

function criterion(
  id: string,
  text: string,
  levels: Level[],
  evidence: Ev[],
  [beginning, developing, meeting, excelling]: [string, string, string, string],
  required = true,
): Criterion {
  return {
    id,
    text,
    levels,
    evidence: evidence.map(([kind, description, req]) => ({ kind, description, required: req })),
    rubric: [
      { level: 'beginning', descriptor: beginning },
      { level: 'developing', descriptor: developing },
      { level: 'meeting', descriptor: meeting },
      { level: 'excelling', descriptor: excelling },
    ],
    ...(required ? {} : { required: false }),
  };
}

const standard = (id: string, title: string, criteria: Criterion[]): Standard => ({ id, title, criteria });

const pathwayDesign: FrameworkComponent = {
  id: 'PDL',
  title: 'Pathway Design and Leadership',
  description:
    'The pathway has a shared vision tied to an industry sector, a team with time to plan together, a cohort structure, and the leadership, partnerships and improvement routines that sustain it.',
  standards: [
    standard('PDL-1', 'Vision, team and structure', [
      criterion(
        'PDL-1.1',
        'The pathway has a written vision and graduate profile tied to a named industry sector and to the full range of postsecondary options, developed with educators, employers, students and families.',
        C,
        [['pathway_plan', 'Vision statement and graduate profile, with who took part in writing them', true]],
        [
          'A theme is named, but there is no written vision or graduate profile.',
          'A vision exists but was written by few people or is not tied to the sector and to postsecondary options.',
          'A shared vision and graduate profile, tied to the sector and to college and career, guide the team.',
          'Students, families and partners can describe the vision, and the team revisits it yearly against evidence.',
        ],
      ),
      criterion(
        'PDL-1.2',
        'A designated pathway lead and an interdisciplinary team (academic, career-technical and counseling staff) meet during common planning time at least monthly.',
        C,
        [
          ['master_schedule', 'Schedule showing the team and its common planning time', true],
          ['team_meeting_notes', 'Agendas and notes from recent team meetings', false],
        ],
        [
          'There is no designated lead, or teachers plan alone.',
          'A lead is named and the team meets, but irregularly or without counseling or CTE staff.',
          'The lead and an interdisciplinary team meet at least monthly in protected planning time.',
          'Team time is used for integrated planning and looking at student work, with shared norms and rotating facilitation.',
        ],
      ),
      criterion(
        'PDL-1.3',
        'Pathway students are scheduled as a cohort in their pathway courses, so the team shares the same students (whether the pathway is a wall-to-wall academy, a school within a school, or an option in a comprehensive high school).',
        SG,
        [['master_schedule', 'Master schedule and enrollment by section showing cohort scheduling', true]],
        [
          'Pathway students are spread across unrelated sections.',
          'Cohort scheduling covers some grades or some core courses.',
          'Students take their pathway academic and technical courses together with the pathway team in every grade.',
          'Cohort scheduling is protected in the school\u2019s master-scheduling process and exceptions are tracked and rare.',
        ],
      ),
      criterion(
        'PDL-1.4',
        'Pathway teachers take part in professional learning on integrated, project-based instruction and in industry externships.',
        SG,
        [['professional_learning', 'Professional learning calendar, attendance, and externship records', true]],
        [
          'No pathway-specific professional learning.',
          'Occasional sessions, not connected to the pathway\u2019s integrated work.',
          'Every pathway teacher takes part each year in learning on integrated instruction, and some in externships.',
          'Professional learning follows the team\u2019s improvement goals and most teachers have completed an externship.',
        ],
      ),
    ]),
    standard('PDL-2', 'Planning, partnerships and continuous improvement', [
      criterion(
        'PDL-2.1',
        'A multi-year implementation plan sets goals, milestones, owners and resources for each of the four core components.',
        CO,
        [['pathway_plan', 'Implementation plan covering the four components', true]],
        [
          'No written plan beyond a course list.',
          'A plan exists for some components or lacks owners and dates.',
          'A plan with goals, milestones, owners and resources covers all four components.',
          'The plan is tied to the district\u2019s pathway strategy and has been reviewed with the advisory board.',
        ],
      ),
      criterion(
        'PDL-2.2',
        'An advisory board of employers, postsecondary and community partners meets at least twice a year and shapes pathway decisions.',
        C,
        [
          ['advisory_board_minutes', 'Minutes of the last two advisory board meetings', true],
          ['partner_list', 'Current partners and their roles', false],
        ],
        [
          'There is no advisory board.',
          'Partners are identified but meet rarely or only receive updates.',
          'The board meets at least twice a year and its advice is reflected in pathway decisions.',
          'Partners co-lead work (curriculum review, WBL placements, student projects) and the board tracks its commitments.',
        ],
      ),
      criterion(
        'PDL-2.3',
        'The team runs a yearly cycle of inquiry: it reviews pathway data, sets improvement goals, acts on them and reports progress to partners and the district.',
        SG,
        [
          ['improvement_plan', 'This year\u2019s improvement goals and the data they came from', true],
          ['outcome_data', 'The pathway data the team reviewed', false],
        ],
        [
          'Data is not reviewed as a team.',
          'Data is reviewed, but goals are not set or not followed up.',
          'A yearly cycle sets goals from data, acts on them and reports progress.',
          'Several cycles show goals met or revised; students and partners take part in reviewing results.',
        ],
      ),
      criterion(
        'PDL-2.4',
        'District and school leadership sustain the pathway through policy, budget and staffing commitments that do not depend on one-time grants.',
        G,
        [
          ['policy_document', 'Board policy or district plan naming the pathway strategy', true],
          ['budget', 'Budget lines that fund the pathway\u2019s staffing and WBL coordination', false],
        ],
        [
          'The pathway depends on grant funds or one person\u2019s effort.',
          'Some ongoing support, but key roles are funded year to year.',
          'Policy and the regular budget fund the pathway\u2019s staffing, planning time and WBL coordination.',
          'The commitment has survived leadership changes and is part of the district\u2019s long-term plan.',
        ],
      ),
    ]),
  ],
};

const rigorousAcademics: FrameworkComponent = {
  id: 'RA',
  title: 'Rigorous Academics',
  description:
    'A college-preparatory core (English, mathematics, science, social studies, arts) taught through the pathway\u2019s theme, integrated with technical learning and leading to the full range of postsecondary options.',
  standards: [
    standard('RA-1', 'College-preparatory course of study', [
      criterion(
        'RA-1.1',
        'The pathway\u2019s four-year course sequence lets every student complete the college-preparatory (a\u2013g) requirements without leaving the pathway.',
        C,
        [['course_sequence', 'Four-year course sequence marking college-preparatory courses', true]],
        [
          'The sequence does not cover the college-preparatory requirements.',
          'The requirements can be met only with courses outside the pathway or with scheduling conflicts.',
          'Every student can meet the requirements within the pathway in four years.',
          'The sequence also builds toward early college credit, and every student\u2019s progress is tracked against it.',
        ],
      ),
      criterion(
        'RA-1.2',
        'Core academic courses are taught by pathway teachers to pathway students and are open to every pathway student, with no tracking into non-preparatory sections.',
        SG,
        [['master_schedule', 'Sections of core academic courses with their teachers and pathway enrollment', true]],
        [
          'Core academic courses are not part of the pathway.',
          'Some core courses are pathway sections; others are tracked or mixed.',
          'All core academic courses are pathway sections open to all pathway students.',
          'Core courses are co-planned with CTE teachers and show equitable enrollment in every section.',
        ],
      ),
      criterion(
        'RA-1.3',
        'Students have access to early college credit (dual enrollment, Advanced Placement or similar) connected to the pathway theme.',
        G,
        [
          ['articulation_agreement', 'Dual-enrollment or articulation agreements with postsecondary partners', true],
          ['outcome_data', 'Early-college credit participation and completion by student group', false],
        ],
        [
          'No early college credit is available through the pathway.',
          'Some offerings exist but are unrelated to the theme or reach few students.',
          'Theme-related early college credit is offered and students in every group take part.',
          'Most students earn early college credit and participation mirrors the pathway\u2019s demographics.',
        ],
      ),
    ]),
    standard('RA-2', 'Integrated, project-based learning', [
      criterion(
        'RA-2.1',
        'Academic course syllabi contextualize standards in the pathway\u2019s industry theme.',
        SG,
        [['syllabus', 'Syllabi of core academic courses showing theme-based units', true]],
        [
          'Academic courses make no connection to the theme.',
          'Connections are occasional or limited to a few courses.',
          'Each core course has units that teach its standards through the theme.',
          'Theme connections run through every course and are designed with industry partners.',
        ],
      ),
      criterion(
        'RA-2.2',
        'Academic and career-technical teachers co-design integrated projects, at least one per grade level, assessed with shared rubrics.',
        SG,
        [
          ['integrated_project', 'Description of integrated projects by grade, with the courses involved', true],
          ['assessment_rubric', 'The shared rubric used to assess a project', false],
          ['student_work', 'Samples of student work from an integrated project', false],
        ],
        [
          'No integrated projects.',
          'Projects exist in some grades or involve a single course.',
          'Each grade has at least one project co-designed across academic and CTE courses with a shared rubric.',
          'Projects answer real questions from partners, and students present their work to external audiences.',
        ],
      ),
      criterion(
        'RA-2.3',
        'Students show mastery through a culminating demonstration (portfolio defense or senior project) evaluated with industry and postsecondary partners.',
        G,
        [
          ['student_work', 'Sample portfolios or senior projects', true],
          ['assessment_rubric', 'The rubric partners use to evaluate the demonstration', false],
        ],
        [
          'There is no culminating demonstration.',
          'A demonstration exists for some students or is evaluated only by teachers.',
          'Every student completes a culminating demonstration evaluated with partners.',
          'Results of the demonstrations are used to improve courses and supports.',
        ],
      ),
    ]),
  ],
};

const careerTechnical: FrameworkComponent = {
  id: 'CTE',
  title: 'Career-Technical Education',
  description:
    'A sequence of technical courses in the pathway\u2019s industry sector, aligned with industry standards and leading to further study, credentials and careers.',
  standards: [
    standard('CTE-1', 'A sequenced technical core', [
      criterion(
        'CTE-1.1',
        'A sequence of at least three technical courses in the pathway\u2019s industry sector, aligned to industry standards, is planned across the grades.',
        C,
        [['course_sequence', 'Technical course sequence with the standards each course addresses', true]],
        [
          'Technical courses are unconnected electives.',
          'A sequence is planned but incomplete or not aligned to industry standards.',
          'A sequence of at least three aligned courses spans the pathway\u2019s grades.',
          'The sequence leads into postsecondary programs through articulation agreements.',
        ],
      ),
      criterion(
        'CTE-1.2',
        'Every pathway student takes the technical sequence, taught by appropriately credentialed teachers with industry experience.',
        SG,
        [
          ['syllabus', 'Syllabi of the technical courses', true],
          ['master_schedule', 'Technical course sections with teachers and pathway enrollment', false],
        ],
        [
          'Few pathway students take the technical courses.',
          'The sequence is offered but not all students complete it, or staffing is unstable.',
          'All pathway students take the sequence with qualified teachers.',
          'Teachers keep current industry experience through externships or partner work.',
        ],
      ),
      criterion(
        'CTE-1.3',
        'Industry partners review technical course content at least every two years and the pathway acts on their advice.',
        SG,
        [['advisory_board_minutes', 'Minutes or notes of the latest curriculum review with partners', true]],
        [
          'Partners have not reviewed the technical courses.',
          'A review happened once, or its advice was not acted on.',
          'Partners review content at least every two years and changes follow.',
          'Partners help teach or assess parts of the courses.',
        ],
      ),
    ]),
    standard('CTE-2', 'Technical skills and credentials', [
      criterion(
        'CTE-2.1',
        'Students apply technical skills in authentic tasks (labs, design challenges, simulations, client projects) that reflect workplace practice.',
        SG,
        [['student_work', 'Examples of applied technical work', true]],
        [
          'Technical learning is mostly textbook-based.',
          'Applied tasks occur occasionally.',
          'Applied, workplace-like tasks are a regular part of every technical course.',
          'Tasks are designed with partners and solve real problems for clients.',
        ],
      ),
      criterion(
        'CTE-2.2',
        'Students can earn industry-recognized credentials or articulated postsecondary credit in the sector.',
        G,
        [
          ['outcome_data', 'Credentials and articulated credit earned, by student group', true],
          ['articulation_agreement', 'Articulation agreements for technical courses', false],
        ],
        [
          'No credentials or articulated credit are available.',
          'Opportunities exist but few students earn them.',
          'Credentials or articulated credit are available and earned by students across groups.',
          'Most completers earn a credential or credit valued by local employers and colleges.',
        ],
      ),
      criterion(
        'CTE-2.3',
        'Technical learning is assessed with performance assessments that industry partners have helped design or validate.',
        G,
        [['assessment_rubric', 'Performance assessment and the partners who validated it', true]],
        [
          'Technical learning is assessed only with tests.',
          'Some performance assessment, designed without partners.',
          'Performance assessments validated by partners are used in the sequence.',
          'Partners take part in scoring, and results feed back into instruction.',
        ],
      ),
    ]),
  ],
};

const workBasedLearning: FrameworkComponent = {
  id: 'WBL',
  title: 'Work-Based Learning',
  description:
    'A continuum of experiences with employers and the community, from career awareness to exploration to preparation, connected to classroom learning and open to every student.',
  standards: [
    standard('WBL-1', 'A continuum for every student', [
      criterion(
        'WBL-1.1',
        'The pathway has a written work-based learning continuum (career awareness, exploration, preparation) with planned experiences for every grade.',
        C,
        [['wbl_continuum_plan', 'The continuum by grade with the planned experiences', true]],
        [
          'Experiences are ad hoc.',
          'A continuum is drafted but has gaps in some grades.',
          'A continuum with experiences in every grade is written and shared with partners.',
          'The continuum is staffed and funded, with partners committed to each stage.',
        ],
      ),
      criterion(
        'WBL-1.2',
        'Every student takes part in career awareness and exploration activities each year (guest speakers, workplace visits, job shadows, mentoring).',
        SG,
        [['wbl_records', 'Participation records by grade for the last school year', true]],
        [
          'Few students take part.',
          'Activities reach some grades or some students.',
          'Every student takes part each year, and participation is recorded.',
          'Students choose among experiences that match their interests, and reflect on them.',
        ],
      ),
      criterion(
        'WBL-1.3',
        'Every student completes an intensive career-preparation experience (internship, industry project, school-based enterprise) before graduating.',
        G,
        [
          ['wbl_agreement', 'Sample internship or project agreements', true],
          ['outcome_data', 'Completion of career-preparation experiences by student group', true],
        ],
        [
          'Career-preparation experiences are rare.',
          'Some students, often those with their own connections, complete one.',
          'Every student completes an intensive experience before graduating.',
          'Experiences are paid or credit-bearing and students of every group complete them at the same rate.',
        ],
      ),
    ]),
    standard('WBL-2', 'Quality and partnerships', [
      criterion(
        'WBL-2.1',
        'Employer partners commit through written agreements that state learning objectives, supervision and safety.',
        SG,
        [
          ['wbl_agreement', 'Current partner agreements', true],
          ['partner_list', 'Employer partners and the experiences each offers', false],
        ],
        [
          'Partnerships are informal.',
          'Some agreements exist but leave out objectives or supervision.',
          'Written agreements with objectives, supervision and safety cover all placements.',
          'Agreements are reviewed with partners each year and partners report on student learning.',
        ],
      ),
      criterion(
        'WBL-2.2',
        'Work-based learning connects to classroom learning: students prepare beforehand, reflect afterwards and are assessed on professional skills.',
        SG,
        [
          ['student_work', 'Student preparation and reflection work', true],
          ['syllabus', 'Course units that prepare for or build on work-based learning', false],
        ],
        [
          'Experiences are not connected to classes.',
          'Some preparation or reflection happens in some courses.',
          'Students prepare and reflect in class and are assessed on professional skills.',
          'Classroom projects grow out of workplace experiences and partners give feedback on them.',
        ],
      ),
      criterion(
        'WBL-2.3',
        'A coordinator or intermediary organizes placements so that access does not depend on students\u2019 personal networks, transport or schedules.',
        G,
        [['policy_document', 'How placements are organized and barriers (transport, timing) are removed', true]],
        [
          'Students find their own placements.',
          'Staff help some students find placements.',
          'A coordinator places students and removes barriers such as transport.',
          'Placement data by student group is reviewed and the process is adjusted to close gaps.',
        ],
      ),
    ]),
  ],
};

const studentSupports: FrameworkComponent = {
  id: 'CSS',
  title: 'Comprehensive Student Supports',
  description:
    'Academic, social-emotional and college and career supports, integrated with the pathway so that every student can succeed in its courses and experiences.',
  standards: [
    standard('CSS-1', 'Personalized guidance', [
      criterion(
        'CSS-1.1',
        'A plan describes the academic, social-emotional and college and career supports the pathway will offer and who provides them.',
        CO,
        [['student_support_plan', 'The pathway\u2019s student support plan', true]],
        [
          'Supports are whatever the school offers generally.',
          'A plan names some supports but not who provides them.',
          'A plan covers academic, social-emotional and college and career supports with owners.',
          'The plan was shaped by student and family input and by data on student needs.',
        ],
      ),
      criterion(
        'CSS-1.2',
        'Every student has an individual college and career plan, reviewed at least yearly with a counselor or advisor.',
        SG,
        [['student_support_plan', 'The individual plan template and yearly review records', true]],
        [
          'Individual plans are not used.',
          'Plans exist for some students or are not reviewed.',
          'Every student has a plan reviewed at least yearly.',
          'Students lead their plan reviews with families, and plans connect to their WBL experiences.',
        ],
      ),
      criterion(
        'CSS-1.3',
        'An advisory or comparable structure gives each student an adult in the pathway who knows them well across the years.',
        SG,
        [['master_schedule', 'Advisory periods or mentoring structure in the schedule', true]],
        [
          'No structure for adult connection.',
          'Advisory exists but changes adults yearly or meets rarely.',
          'Each student has a consistent pathway adult who meets them regularly.',
          'Advisory is used for goal-setting, reflection and early warning, and students value it in surveys.',
        ],
      ),
    ]),
    standard('CSS-2', 'Targeted support and transitions', [
      criterion(
        'CSS-2.1',
        'The team monitors each student\u2019s attendance, grades and credits and intervenes early (tutoring, credit recovery, mentoring).',
        SG,
        [
          ['student_support_plan', 'The early-warning process and intervention options', true],
          ['team_meeting_notes', 'Notes from student-review meetings (no student names)', false],
        ],
        [
          'Problems are addressed only once a student is failing.',
          'Data is reviewed occasionally and interventions are informal.',
          'The team reviews student data regularly and assigns interventions.',
          'Interventions are tracked for effect and adjusted; few students fall off track.',
        ],
      ),
      criterion(
        'CSS-2.2',
        'English learners and students with disabilities receive the supports they need to take part in every pathway course and work-based learning experience.',
        G,
        [['student_support_plan', 'How supports are provided in pathway courses and WBL', true]],
        [
          'These students are under-enrolled or unsupported in pathway experiences.',
          'Supports exist in some courses.',
          'Supports reach every pathway course and WBL experience.',
          'These students reach pathway outcomes at rates close to their peers.',
        ],
      ),
      criterion(
        'CSS-2.3',
        'Students receive support for the transition after high school (college applications, financial aid, employment) and the pathway follows up after graduation.',
        G,
        [['outcome_data', 'Application, financial aid and postsecondary enrollment data', true]],
        [
          'Transition support is left to the general counseling office.',
          'Some transition activities are offered.',
          'Every senior gets application and financial aid support and the pathway tracks where graduates go.',
          'Follow-up with graduates informs the pathway, and graduates return as mentors.',
        ],
      ),
      criterion(
        'CSS-2.4',
        'Families are informed and engaged in their students\u2019 pathway experience, in the languages they speak.',
        SG,
        [['survey_results', 'Family communication and engagement records or survey results', false]],
        [
          'Families hear about the pathway rarely.',
          'Information is sent, in some languages.',
          'Families are engaged regularly in their languages.',
          'Families take part in pathway events, student presentations and decisions.',
        ],
        false,
      ),
    ]),
  ],
};

const equityOutcomes: FrameworkComponent = {
  id: 'EO',
  title: 'Equity and Outcomes',
  description:
    'Open access that mirrors the district\u2019s students, and outcomes tracked by student group and compared with the district, so that the pathway serves all students well.',
  standards: [
    standard('EO-1', 'Equitable access', [
      criterion(
        'EO-1.1',
        'Recruitment and enrollment are open to all students, without grade, test or behavior screens, with outreach to every feeder middle school.',
        C,
        [
          ['recruitment_materials', 'Recruitment materials and the outreach calendar', true],
          ['policy_document', 'Enrollment policy', false],
        ],
        [
          'Enrollment uses screens or relies on word of mouth.',
          'Enrollment is open but outreach reaches few schools or groups.',
          'Enrollment is open and outreach reaches every feeder school in families\u2019 languages.',
          'Outreach is targeted at under-represented groups and its effect is measured.',
        ],
      ),
      criterion(
        'EO-1.2',
        'The team analyzes pathway enrollment by student group against the district each year and acts on differences.',
        SG,
        [['outcome_data', 'Enrollment by student group compared with the district', true]],
        [
          'Enrollment is not analyzed by group.',
          'Enrollment is analyzed but differences are not acted on.',
          'Yearly analysis leads to actions on differences.',
          'Enrollment mirrors the district\u2019s demographics.',
        ],
      ),
      criterion(
        'EO-1.3',
        'Participation in advanced courses and intensive work-based learning is monitored by student group and gaps are closed.',
        G,
        [['outcome_data', 'Participation by student group', true]],
        [
          'Participation is not monitored by group.',
          'Gaps are identified but persist.',
          'Gaps are identified and are narrowing.',
          'No group participates at a meaningfully lower rate.',
        ],
      ),
    ]),
    standard('EO-2', 'Student outcomes', [
      criterion(
        'EO-2.1',
        'The pathway tracks graduation, college-preparatory completion, credit accumulation and work-based learning participation, by student group.',
        SG,
        [['outcome_data', 'Outcome metrics by student group for the last school year', true]],
        [
          'Outcomes are not tracked at the pathway level.',
          'Some outcomes are tracked, not by group.',
          'Core outcomes are tracked by group every year.',
          'Outcomes are tracked over several years and shared with students, families and partners.',
        ],
      ),
      criterion(
        'EO-2.2',
        'Every student group reaches outcomes at or above the district\u2019s rate, or shows sustained improvement toward it.',
        G,
        [['outcome_data', 'Outcomes by group compared with the district over at least two years', true]],
        [
          'Several groups are below the district\u2019s rate with no improvement.',
          'Some groups are below the district\u2019s rate; improvement is uneven.',
          'Groups are at or above the district\u2019s rate, or improving steadily toward it.',
          'Every group exceeds the district\u2019s rate on most outcomes.',
        ],
      ),
      criterion(
        'EO-2.3',
        'Student, family and partner voice (surveys, focus groups) informs the pathway\u2019s improvement goals.',
        G,
        [['survey_results', 'Recent survey or focus group results and the changes they led to', true]],
        [
          'Stakeholder views are not collected.',
          'Views are collected but not used.',
          'Views are collected yearly and shape improvement goals.',
          'Students help design the collection and present results to partners.',
        ],
      ),
    ]),
  ],
};

export const seedFramework: Framework = {
  id: SEED_FRAMEWORK_ID,
  version: SEED_FRAMEWORK_VERSION,
  title: 'Linked Learning Certification Standards',
  description:
    'Standards for certifying Linked Learning pathways at candidacy, silver and gold: the four core components (rigorous academics, career-technical education, work-based learning, comprehensive student supports) plus pathway design and leadership, and equity and outcomes.',
  status: 'published',
  publishedAt: '2026-01-01T00:00:00.000Z',
  components: [pathwayDesign, rigorousAcademics, careerTechnical, workBasedLearning, studentSupports, equityOutcomes],
};
