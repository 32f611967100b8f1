package followup

import "strings"

// common holds frequent English words. A capitalised word found here is
// taken for a name only where capitals are informative (mid-sentence in
// ordinary prose), never at a sentence start or in a Title Case headline.
var common = set(strings.Fields(`
a about above across act action actually add added after again against age ago agree agreed ahead aid aim
air all allow almost alone along already also although always am among amid an analysis and angry announce
another answer any anyone anything appeal appear approach april are area areas arm army around arrest arrive
art as ask asked at attack attempt attention august authority available avoid away back bad ban bank base
battle be bear beat beautiful became because become been before began begin behind being believe below best
better between beyond big bill billion biggest bit black blame blast block blood blow blue board body bomb
book border born boss both bottom box boy brain brand break breaking brief bring broad brother budget build
building business but buy by call calls came campaign can cancer candidate capital car care career carry
case cash catch cause cell center central century chance change changes charge charges cheap check chief
child children choice choose church citizens city claim claims class clean clear climate close closed
coach cold collapse come comes coming comment comments commercial common community companies company
complete concern concerns conference confirm conflict consider consumer consumers control cost
costs could council count country countries couple course court cover crash crime crisis critical cross
crowd cup cut cuts daily damage dark data date daughter day days dead deal deals death debate debt decade
decide decision deep defeat defence defense degrees delay demand democracy department despite detail
details die died difference different difficult digital director discover discovery doctor does dog
doing dollar dollars done door double doubt down draft dream drive drop drug drugs due during each early
earnings earth east easy eat economic economy edge education effect effort efforts eight either election
else emergency end ends energy enough enter entire environment era even evening event events ever every
everyone everything evidence exactly example exclusive executive exit expect expected experience expert
experts explain explains eye eyes face faces fact fail failed fair fall falls false family fan fans far
fast father fear fears feature federal feel few field fight fighting figure file final finally finance
financial find fine fire firm firms first fish five flat flight floor fly focus follow following food
for force forces foreign forever form former forward found four free fresh friday friend friends from
front fuel full fund funding funds future gain game games gap gas gave general get gets getting giant
girl give given glass global go goal goes going gold gone good got government great green ground group
groups grow growth guard guide gun guns guy half hand hands happen happened happy hard has have having
he head heads health hear heart heat heavy held hell help her here hide high higher him his history hit
hits hold holds home hope hopes host hot hour hours house how however huge human hundreds i idea if
ill image impact important in including income increase industry inflation information inside instead
interest international internet into investigation investors is issue issues it its itself job jobs join
joint judge july june jury just justice keep key kids kill killed killing kind king know known labor
land large last late later latest launch law laws lead leader leaders leading least leave left legal less
let letter level life light like likely limit line list little live lives living local long look looking
looks lose loss lost lot love low lower made main major make makes making man manager many march market
markets mass match matter may maybe me mean means media medical meet meeting member members men message
met middle might military million mind minister minute minutes miss mission model modern moment monday money
month months more morning most mother move moves movie much music must my name nation national nations
natural near nearly need needs network never new news next nice night nine no none north not note nothing
now number numbers of off offer office officer officers official officials often oil ok old on once one
online only open opening operation opinion or order orders other others our out outside over own owner
page paid pain paper parents park part parts party pass past path pay peace people per percent perfect
period person phone photo photos pick picture piece place plan plane planet plans plant play player
players please plus point points police policy political poll poor popular population position possible
post power powerful practice prepare presence present press pressure pretty price prices prime private
probably problem problems process product production profit program project protect protest proud prove
public pull push put quarter question questions quick quickly quite race raise raised range rate rates
rather reach read ready real reality really reason record red reform region relations release remain
remains report reports research response rest result results return reveal revealed review rich right
rights rise rises rising risk road rock role room rule rules run running rural safe said sale sales same
saturday save say says scene school science sea season second secret security see seek seem seen sell
send senior sense series service services set seven several sex shape share shares she shift ship shock
shoot shooting shop short shot should show shows side sign signs simple since single sister site six size
skin small smart so social society soft some someone something son soon sort sound source sources south
space speak special speech spend spending sport sports spot spring staff stage stand standard star stars
start state states statement station stay step still stock stocks stop store stories storm story street
strike strong student students study stuff style success such sudden summer sun sunday super support
sure surprise system table take taken takes taking talk talks target tax taxes team tech technology
television tell ten term terms terror test than thank thanks that the their them then there these they
thing things think third this those though thought thousands threat three through thursday time times
tiny to today together told tomorrow tonight too took top total tough tour toward town trade traffic
trial trip trouble true truth try trying tuesday turn turns tv twice two under union unit until up update
updates upon urban us use used user users using value van various version very victim victims video view
views violence visit voice vote voters votes wait walk wall want wants war warning was watch water way
ways we weak wealth weapons wear weather web website wednesday week weekend weekly weeks weight welcome
well went were west what whatever when where whether which while white who whole whom whose why wide wife
wild will win wind window winner winning winter wire with within without woman women won wonder word
words work workers working works world worse worst worth would write writer wrong year years yes yet you
young your youth zone
january february april may june july august september october november december
merger ruling deal approves approve acquisition stake here's what's inside why how signals hope fantastic
relationship official conversation honour honor refugee resettlement reveal discovery beyond solar system
announces host hosts residents evacuate makes landfall category center first launch launches making history
americans astronauts soil decision decisions expected travel dues supreme upholds document agree summit
weather attempt cancels spat lies plain simple honestly concerned testifies front lied public
cheers partnership partnerships hold star military strength discuss importance
discussed spent `)...)
